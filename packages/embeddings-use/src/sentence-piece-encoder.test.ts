import { readFileSync } from "node:fs";
import { Tokenizer } from "@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { sentencePieceEncoder } from "./sentence-piece-encoder.ts";
import { readUseLiteModelFiles, type UseLiteVocabulary } from "./use-lite-model-files.ts";

let vocabulary: UseLiteVocabulary;
let original: Tokenizer;
let encode: (text: string) => number[];

beforeAll(async () => {
  vocabulary = (await readUseLiteModelFiles()).vocabulary;
  original = new Tokenizer(vocabulary as Array<[string, number]>);
  encode = sentencePieceEncoder(vocabulary);
}, 60_000);

describe("sentencePieceEncoder: the same ids as the USE package's Tokenizer", () => {
  it("on SciFact titles and abstracts", () => {
    const corpus = readFileSync(
      new URL("../../../../shared/datasets/scifact/corpus.jsonl", import.meta.url),
      "utf8",
    );
    const texts = corpus
      .split("\n")
      .filter(Boolean)
      .slice(0, 80)
      .flatMap((line) => {
        const document = JSON.parse(line) as { title: string; text: string };
        return [document.title, document.text];
      });
    for (const text of texts)
      expect(encode(text), text.slice(0, 60)).toEqual(original.encode(text));
  }, 120_000);

  it("on edge cases: empty, spaces only, unknown symbols in a row, surrogate pairs, NFKC forms", () => {
    for (const text of [
      "",
      " ",
      "   ",
      " a  b ",
      "ﬁ ① ｆｕｌｌ",
      "😀😀 x 😀",
      "\u0000\u0001\u0002",
      "ʕ•ᴥ•ʔ ¯\\_(ツ)_/¯",
    ]) {
      expect(encode(text), JSON.stringify(text)).toEqual(original.encode(text));
    }
  });

  it("on random text built from vocabulary pieces, spaces and arbitrary characters", () => {
    const pieces = vocabulary.slice(6, 3000).map(([piece]) => piece.replaceAll("\u2581", " "));
    const fragment = fc.oneof(
      fc.constantFrom(...pieces),
      fc.constantFrom(" ", "  ", ".", "-"),
      fc.string({ unit: "grapheme", maxLength: 3 }),
      fc.string({ unit: "binary", maxLength: 2 }),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (fragments) => {
        const text = fragments.join("");
        expect(encode(text)).toEqual(original.encode(text));
      }),
      { numRuns: 300, seed: 26 },
    );
  }, 120_000);
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { segmentWords, standardTokens } from "./standard-tokenizer.ts";

describe("standard tokenizer", () => {
  it("the ASCII fast path segments exactly as Intl.Segmenter does", () => {
    const character = fc.constantFrom(..."aZk09_.',:;-/ \t\n$%@#!?()\"&*+=xY".split(""));
    fc.assert(
      fc.property(fc.array(character, { maxLength: 40 }), (characters) => {
        const text = characters.join("");
        expect(standardTokens(text)).toEqual(segmentWords(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("mixes ASCII and non-ASCII chunks without changing tokens", () => {
    const character = fc.constantFrom(..."ab1.' é東🙂\u0301ΣÅ,:_".split(""));
    fc.assert(
      fc.property(fc.array(character, { maxLength: 30 }), (characters) => {
        const text = characters.join("");
        expect(standardTokens(text)).toEqual(segmentWords(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("splits tokens longer than 255 code units as Lucene does", () => {
    expect(standardTokens("x".repeat(600)).map((token) => token.length)).toEqual([255, 255, 90]);
  });
});

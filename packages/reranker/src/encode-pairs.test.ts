import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HybridRagError } from "@hybrid-rag/core";
import { loadModelDirectory } from "@hybrid-rag/models";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { describe, expect, it } from "vitest";
import { CrossEncoder } from "./cross-encoder.ts";
import { encodePairs, splitTemplate } from "./encode-pairs.ts";

describe("tokenizePairs with maxPassageTokens", () => {
  it("cuts the passage before pairing, then the pair at the model's limit", async () => {
    const directory = await mkdtemp(join(tmpdir(), "encode-pairs-"));
    await createTinyBertModel(directory, { kind: "cross-encoder", seed: 3 });
    const encoder = await CrossEncoder.create({
      model: directory,
      executionProvider: "cpu",
      maxLength: 16,
      intraOpThreads: 1,
    });
    const passage = "the quick brown fox jumps over the lazy dog again and again";
    const [whole, cut, longCut] = encoder.tokenizePairs([
      { query: "fox", passage },
      { query: "fox", passage, maxPassageTokens: 3 },
      { query: "fox", passage, maxPassageTokens: 100 },
    ]);
    // [CLS] fox [SEP] three passage tokens [SEP]
    expect(cut!.length).toBe(1 + 1 + 1 + 3 + 1);
    expect(cut!.ids.slice(0, 6)).toEqual(whole!.ids.slice(0, 6));
    expect(cut!.ids.at(-1)).toBe(whole!.ids.at(-1));
    // A cut longer than the passage changes nothing; the model's limit still applies.
    expect(longCut!.ids).toEqual(whole!.ids);
    expect(whole!.length).toBe(16);
    const [scoreCut] = await encoder.scoreEncoded([cut!]);
    const [scoreShort] = await encoder.scorePairs("fox", ["the quick brown"]);
    expect(scoreCut).toBeCloseTo(scoreShort!, 5);
  });
});

describe("encodePairs with a family's pair template", () => {
  it("wraps query and passage in the template, cuts only the passage, refuses with NONE", async () => {
    const directory = await mkdtemp(join(tmpdir(), "encode-template-"));
    await createTinyBertModel(directory, { kind: "cross-encoder", seed: 3 });
    const { tokenizer } = await loadModelDirectory(directory);
    const template = "question:{query} \n \n passage:{passage} end";
    const passage = "the quick brown fox jumps over the lazy dog";
    const [whole] = encodePairs(tokenizer, [{ query: "fox", passage }], 64, "END", template);
    const head = tokenizer.tokenize("question:fox \n \n passage:");
    expect(whole!.ids).toEqual(
      tokenizer.assemble([...head, ...tokenizer.tokenize(passage), ...tokenizer.tokenize(" end")])
        .ids,
    );
    // [CLS] head passage… end [SEP] within 12 tokens: the passage loses its end, the template stays.
    const [cut] = encodePairs(tokenizer, [{ query: "fox", passage }], 12, "END", template);
    const kept = 12 - head.length - 1 - 2;
    expect(cut!.ids).toEqual(
      tokenizer.assemble([...head, ...tokenizer.tokenize(passage).slice(0, kept), "end"]).ids,
    );
    expect(cut!.untruncatedLength).toBe(whole!.length);
    const refused = (() => {
      try {
        encodePairs(tokenizer, [{ query: "fox", passage }], 12, "NONE", template);
      } catch (error) {
        return error as HybridRagError;
      }
    })();
    expect(refused?.code).toBe("invalid-argument");
    expect(() => splitTemplate("{passage} then {query}")).toThrow(
      /must contain \{query\} once and then \{passage\}/,
    );
  });
});

describe("CrossEncoder pairTemplate option", () => {
  it("encodes pairs with the given template, counts tokens with it, and refuses a malformed one", async () => {
    const directory = await mkdtemp(join(tmpdir(), "pair-template-option-"));
    await createTinyBertModel(directory, { kind: "cross-encoder", seed: 3 });
    const template = "question:{query} \n \n passage:{passage}";
    const encoder = await CrossEncoder.create({
      model: directory,
      executionProvider: "cpu",
      intraOpThreads: 1,
      pairTemplate: template,
    });
    try {
      const pair = { query: "fox", passage: "the quick brown fox" };
      const [encoded] = encoder.tokenizePairs([pair]);
      const [expected] = encodePairs(
        encoder.model.tokenizer,
        [pair],
        encoder.maxLength,
        "END",
        template,
      );
      expect(encoded!.ids).toEqual(expected!.ids);
      expect(encoder.countTokens(pair.query, pair.passage)).toBe(expected!.length);
      const plain = await CrossEncoder.create({
        model: directory,
        executionProvider: "cpu",
        pairTemplate: "none",
      });
      expect(plain.tokenizePairs([pair])[0]!.ids).toEqual(
        encoder.model.tokenizer.encode(pair.query, pair.passage).ids,
      );
      await plain.release();
      await expect(
        CrossEncoder.create({
          model: directory,
          executionProvider: "cpu",
          pairTemplate: "{passage}{query}",
        }),
      ).rejects.toThrow(/must contain \{query\} once and then \{passage\}/);
    } finally {
      await encoder.release();
    }
  });
});

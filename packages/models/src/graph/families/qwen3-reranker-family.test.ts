import { HybridRagError } from "@hybrid-rag/core";
import { describe, expect, it } from "vitest";
import { tinyQwen3RerankerConfig } from "../testing/decoder-checkpoints.ts";
import { createFamilySession } from "../testing/family-session.ts";
import { InMemoryWeights } from "../testing/in-memory-weights.ts";
import { compareWithReference } from "../testing/reference-comparison.ts";
import { skipWithoutTorch } from "../testing/torch-reference.ts";
import { qwen3RerankerFamily, qwen3RerankerPairTemplate } from "./qwen3-reranker-family.ts";
import { tokenIdInTokenizerJson } from "./tokenizer-vocabulary.ts";

const skip = skipWithoutTorch("the qwen3-reranker PyTorch reference comparison");

// A byte-level BPE tokenizer.json in Qwen's layout, cut down to the tiny model's 512 ids: the
// chat markers as added tokens, "yes" and "no" at ids of their own in the vocabulary.
const tinyTokenizerJson = {
  version: "1.0",
  added_tokens: [
    { id: 509, content: "<|im_start|>", special: true },
    { id: 510, content: "<|im_end|>", special: true },
    { id: 511, content: "<|endoftext|>", special: true },
  ],
  model: {
    type: "BPE",
    vocab: {
      ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`t${i}`, i])),
      yes: 417,
      no: 88,
    },
    merges: [],
  },
};
const tokenId = (token: string): number | undefined =>
  tokenIdInTokenizerJson(tinyTokenizerJson, token);

describe("qwen3-reranker family", () => {
  it("reads token ids from tokenizer.json's vocabulary and added tokens", () => {
    expect(tokenId("yes")).toBe(417);
    expect(tokenId("no")).toBe(88);
    expect(tokenId("<|im_end|>")).toBe(510);
    expect(tokenId("maybe")).toBeUndefined();
    expect(
      tokenIdInTokenizerJson(
        {
          model: {
            vocab: [
              ["<unk>", 0],
              ["yes", -1],
            ],
          },
        },
        "yes",
      ),
    ).toBe(1);
  });

  it("matches Qwen3ForCausalLM and formats pairs with the model card's instruct prompt", () => {
    expect(qwen3RerankerFamily.matches(tinyQwen3RerankerConfig())).toBe(true);
    expect(qwen3RerankerFamily.matches({ architectures: ["Qwen2ForCausalLM"] })).toBe(false);
    const { template } = qwen3RerankerFamily.pairInputFormat({});
    expect(template).toBe(qwen3RerankerPairTemplate);
    expect(template).toMatch(
      /^<\|im_start\|>system\nJudge whether the Document meets the requirements/,
    );
    expect(template).toContain(
      "<|im_start|>user\n<Instruct>: Given a web search query, retrieve relevant passages that answer the query\n<Query>: {query}\n<Document>: {passage}<|im_end|>\n",
    );
    expect(template?.endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n")).toBe(true);
  });

  it("refuses to build without a tokenizer that has yes and no", async () => {
    const attempt = createFamilySession({
      family: qwen3RerankerFamily,
      config: tinyQwen3RerankerConfig(),
      weights: new InMemoryWeights(new Map()),
    });
    await expect(attempt).rejects.toSatisfy(
      (error) =>
        HybridRagError.isInstance(error) &&
        error.code === "invalid-argument" &&
        /token "yes" is not in the directory's tokenizer.json/.test(error.message),
    );
  });

  // Each case spawns Python and imports torch (seconds on a busy machine).
  describe.skipIf(skip)("against the independent PyTorch reference", { timeout: 120_000 }, () => {
    it("fp32: logit(yes) − logit(no) at the last non-pad token within 1e-4 (causal, padded, truncated)", async () => {
      const result = await compareWithReference({
        family: qwen3RerankerFamily,
        config: tinyQwen3RerankerConfig(),
        head: "lm-head",
        queryKeyNorm: true,
        tokenId,
        yesId: 417,
        noId: 88,
      });
      expect(result.maxDifference).toBeLessThanOrEqual(1e-4);
      expect(new Set(result.reference.map((value) => value.toFixed(3))).size).toBe(6);
      for (const [index, value] of result.alone.entries()) {
        expect(Math.abs(value - (result.ours[index] ?? Number.NaN))).toBeLessThanOrEqual(1e-5);
      }
    });

    it("fp32 with an untied lm_head; fp16 graph within 1e-2", async () => {
      const untied = { ...tinyQwen3RerankerConfig(), tie_word_embeddings: false };
      const fp32 = await compareWithReference({
        family: qwen3RerankerFamily,
        config: untied,
        head: "lm-head",
        queryKeyNorm: true,
        tokenId,
        yesId: 417,
        noId: 88,
      });
      expect(fp32.maxDifference).toBeLessThanOrEqual(1e-4);
      const fp16 = await compareWithReference({
        family: qwen3RerankerFamily,
        config: tinyQwen3RerankerConfig(),
        head: "lm-head",
        queryKeyNorm: true,
        storedAs: "BF16",
        precision: "float16",
        tokenId,
        yesId: 417,
        noId: 88,
      });
      expect(fp16.maxDifference).toBeLessThanOrEqual(1e-2);
    });
  });
});

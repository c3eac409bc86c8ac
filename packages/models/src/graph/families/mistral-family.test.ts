import { describe, expect, it } from "vitest";
import {
  tinyMistralBidirectionalConfig,
  tinyMistralCausalConfig,
} from "../testing/decoder-checkpoints.ts";
import { compareWithReference } from "../testing/reference-comparison.ts";
import { skipWithoutTorch } from "../testing/torch-reference.ts";
import { mistralFamily } from "./mistral-family.ts";

const skip = skipWithoutTorch("the mistral PyTorch reference comparison");

describe("mistral family", () => {
  it("matches NVIDIA's bidirectional Mistral and transformers' sequence classifier, not a bare LM", () => {
    expect(mistralFamily.matches(tinyMistralBidirectionalConfig())).toBe(true);
    expect(mistralFamily.matches(tinyMistralCausalConfig())).toBe(true);
    expect(
      mistralFamily.matches({ architectures: ["MistralForCausalLM"], model_type: "mistral" }),
    ).toBe(false);
    expect(mistralFamily.pairInputFormat(tinyMistralBidirectionalConfig()).template).toBe(
      "question:{query} \n \n passage:{passage}",
    );
    expect(mistralFamily.pairInputFormat(tinyMistralCausalConfig()).template).toBeUndefined();
  });

  // Each case spawns Python and imports torch (seconds on a busy machine).
  describe.skipIf(skip)("against the independent PyTorch reference", { timeout: 120_000 }, () => {
    it("bidirectional with a 16-token sliding window, mean-pooled: within 1e-4 on rows up to 128 tokens", async () => {
      const result = await compareWithReference({
        family: mistralFamily,
        config: tinyMistralBidirectionalConfig(),
        head: "score",
      });
      expect(result.maxDifference).toBeLessThanOrEqual(1e-4);
      expect(new Set(result.reference.map((value) => value.toFixed(3))).size).toBe(6);
      for (const [index, value] of result.alone.entries()) {
        expect(Math.abs(value - (result.ours[index] ?? Number.NaN))).toBeLessThanOrEqual(1e-5);
      }
    });

    it("transformers' causal MistralForSequenceClassification, scored at the last token: within 1e-4", async () => {
      const result = await compareWithReference({
        family: mistralFamily,
        config: tinyMistralCausalConfig(),
        head: "score",
      });
      expect(result.maxDifference).toBeLessThanOrEqual(1e-4);
    });

    it("fp16 graph from fp16 weights: within 1e-2 of the fp32 reference", async () => {
      const result = await compareWithReference({
        family: mistralFamily,
        config: tinyMistralBidirectionalConfig(),
        head: "score",
        storedAs: "F16",
        precision: "float16",
      });
      expect(result.maxDifference).toBeLessThanOrEqual(1e-2);
    });
  });
});

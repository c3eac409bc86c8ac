import { describe, expect, it } from "vitest";
import { tinyLlamaBidirectionalConfig } from "../testing/decoder-checkpoints.ts";
import { compareWithReference } from "../testing/reference-comparison.ts";
import { skipWithoutTorch } from "../testing/torch-reference.ts";
import {
  llamaBidirectionalFamily,
  nvidiaRerankerPairTemplate,
} from "./llama-bidirectional-family.ts";

const skip = skipWithoutTorch("the llama-bidirectional PyTorch reference comparison");

describe("llama-bidirectional family", () => {
  it("recognises NVIDIA's published config by architecture or model_type", () => {
    expect(llamaBidirectionalFamily.matches(tinyLlamaBidirectionalConfig())).toBe(true);
    expect(llamaBidirectionalFamily.matches({ model_type: "llama_bidirec" })).toBe(true);
    expect(
      llamaBidirectionalFamily.matches({
        architectures: ["LlamaForCausalLM"],
        model_type: "llama",
      }),
    ).toBe(false);
  });

  it("uses the model card's question/passage format unless config.json overrides it", () => {
    expect(llamaBidirectionalFamily.pairInputFormat({}).template).toBe(
      "question:{query} \n \n passage:{passage}",
    );
    expect(nvidiaRerankerPairTemplate).toContain("{passage}");
    expect(
      llamaBidirectionalFamily.pairInputFormat({ pair_input_template: "q: {query} p: {passage}" })
        .template,
    ).toBe("q: {query} p: {passage}");
    expect(() =>
      llamaBidirectionalFamily.pairInputFormat({ pair_input_template: "no placeholders" }),
    ).toThrow(/must be a string containing \{query\} and \{passage\}/);
  });

  // Each case spawns Python and imports torch (seconds on a busy machine).
  describe.skipIf(skip)("against the independent PyTorch reference", { timeout: 120_000 }, () => {
    it("fp32: logits within 1e-4 on padded, long (past rope_scaling's original 32) and truncated rows", async () => {
      const result = await compareWithReference({
        family: llamaBidirectionalFamily,
        config: tinyLlamaBidirectionalConfig(),
        head: "score",
      });
      expect(result.rowLengths).toEqual([1, 5, 17, 40, 70, 128]);
      expect(result.maxDifference).toBeLessThanOrEqual(1e-4);
      // Scores differ from row to row (a graph that ignored its input would not).
      expect(new Set(result.reference.map((value) => value.toFixed(3))).size).toBe(6);
      for (const [index, value] of result.alone.entries()) {
        expect(Math.abs(value - (result.ours[index] ?? Number.NaN))).toBeLessThanOrEqual(1e-5);
      }
    });

    it("fp32 graph from bf16 weights in two shards: within 1e-4 (widening is exact)", async () => {
      const result = await compareWithReference({
        family: llamaBidirectionalFamily,
        config: tinyLlamaBidirectionalConfig(),
        head: "score",
        storedAs: "BF16",
        shards: 2,
      });
      expect(result.maxDifference).toBeLessThanOrEqual(1e-4);
    });

    it("fp16 graph from fp16 weights: within 1e-2 of the fp32 reference", async () => {
      const result = await compareWithReference({
        family: llamaBidirectionalFamily,
        config: tinyLlamaBidirectionalConfig(),
        head: "score",
        storedAs: "F16",
        precision: "float16",
      });
      expect(result.maxDifference).toBeLessThanOrEqual(1e-2);
    });

    it("temperature divides the logit; last-token pooling follows config.json", async () => {
      const config = { ...tinyLlamaBidirectionalConfig(), temperature: 0.5, pooling: "last" };
      const result = await compareWithReference({
        family: llamaBidirectionalFamily,
        config,
        head: "score",
      });
      expect(result.maxDifference).toBeLessThanOrEqual(1e-4);
    });
  });
});

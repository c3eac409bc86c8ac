import { HybridRagError } from "@hybrid-rag/core";
import { describe, expect, it } from "vitest";
import {
  tinyLlamaBidirectionalConfig,
  tinyQwen3RerankerConfig,
} from "../testing/decoder-checkpoints.ts";
import { createFamilySession } from "../testing/family-session.ts";
import { InMemoryWeights } from "../testing/in-memory-weights.ts";
import { parseDecoderArchitecture } from "./decoder-config.ts";
import { llamaBidirectionalFamily } from "./llama-bidirectional-family.ts";
import { inverseFrequencies, ropeScalingFromConfig } from "./rope-frequencies.ts";

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function refusal(code: string, pattern: RegExp) {
  return (error: unknown) =>
    HybridRagError.isInstance(error) && error.code === code && pattern.test(error.message);
}

describe("decoder config.json", () => {
  it("reads the shape, grouped-query heads, head_dim and Llama 3 rope scaling", () => {
    const architecture = parseDecoderArchitecture(
      tinyLlamaBidirectionalConfig(),
      "llama-bidirectional",
    );
    expect(architecture).toMatchObject({
      hidden: 64,
      heads: 4,
      keyValueHeads: 2,
      headDimension: 16,
      slidingWindow: undefined,
      rope: { type: "llama3", theta: 10_000, factor: 32, originalMaxPositions: 32 },
    });
  });

  it("reads transformers 5's rope_parameters and honours use_sliding_window: false", () => {
    const config = {
      ...tinyQwen3RerankerConfig(),
      rope_theta: undefined,
      rope_parameters: { rope_type: "default", rope_theta: 123_456 },
      sliding_window: 8,
    };
    const architecture = parseDecoderArchitecture(config, "qwen3-reranker");
    expect(architecture.rope).toEqual({ type: "default", theta: 123_456 });
    expect(architecture.slidingWindow).toBeUndefined();
  });

  it("refuses what it cannot compute, saying which field and value", () => {
    expect(() =>
      parseDecoderArchitecture(
        { ...tinyLlamaBidirectionalConfig(), num_key_value_heads: 3 },
        "llama-bidirectional",
      ),
    ).toThrow(/num_attention_heads \(4\) must be a multiple of num_key_value_heads \(3\)/);
    expect(
      thrown(() =>
        parseDecoderArchitecture(
          { ...tinyLlamaBidirectionalConfig(), hidden_size: "64" },
          "llama-bidirectional",
        ),
      ),
    ).toSatisfy(refusal("invalid-argument", /hidden_size.*got "64"/));
    expect(() =>
      ropeScalingFromConfig({ rope_scaling: { rope_type: "yarn", factor: 4 } }, 64, "mistral"),
    ).toThrow(/rope_type "yarn" is not supported.*supported: default, linear, llama3/);
    expect(() =>
      ropeScalingFromConfig(
        { rope_scaling: { rope_type: "llama3", factor: 8 } },
        64,
        "llama-bidirectional",
      ),
    ).toThrow(
      /needs factor, low_freq_factor < high_freq_factor and original_max_position_embeddings/,
    );
  });

  it("Llama 3 scaling keeps high frequencies, divides low ones by the factor, blends between", () => {
    const scaling = ropeScalingFromConfig(
      tinyLlamaBidirectionalConfig(),
      16,
      "llama-bidirectional",
    );
    const plain = inverseFrequencies({ type: "default", theta: 10_000 }, 16);
    const scaled = inverseFrequencies(scaling, 16);
    // wavelengths 2π·10000^(i/8): 6.3 (< 32/4: kept), 19.9 (between 8 and 32: blended), ≥ 62.8 (÷ 32)
    expect(scaled[0]).toBe(plain[0]);
    expect(scaled[1]).toBeLessThan(plain[1] ?? 0);
    expect(scaled[1]).toBeGreaterThan((plain[1] ?? 0) / 32);
    for (let i = 2; i < 8; i++) expect(scaled[i]).toBeCloseTo((plain[i] ?? 0) / 32, 12);
  });

  it("a missing tensor is a corrupt-data error naming it, not a crash", async () => {
    const attempt = createFamilySession({
      family: llamaBidirectionalFamily,
      config: tinyLlamaBidirectionalConfig(),
      weights: new InMemoryWeights(new Map()),
    });
    await expect(attempt).rejects.toSatisfy(refusal("corrupt-data", /model\.embed_tokens\.weight/));
  });

  it("refuses a pooling it does not know", async () => {
    const pooling = createFamilySession({
      family: llamaBidirectionalFamily,
      config: { ...tinyLlamaBidirectionalConfig(), pooling: "max" },
      weights: new InMemoryWeights(new Map()),
    });
    await expect(pooling).rejects.toSatisfy(
      refusal("unsupported", /pooling "max" is not supported/),
    );
  });
});

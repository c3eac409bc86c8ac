import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";

/** Rotary embedding parameters: the base and how the frequencies are rescaled. */
export type RopeScaling =
  | { readonly type: "default"; readonly theta: number }
  | { readonly type: "linear"; readonly theta: number; readonly factor: number }
  | {
      readonly type: "llama3";
      readonly theta: number;
      readonly factor: number;
      readonly lowFrequencyFactor: number;
      readonly highFrequencyFactor: number;
      readonly originalMaxPositions: number;
    };

const supportedTypes = ["default", "linear", "llama3"] as const;

const scalingSchema = z.looseObject({
  rope_type: z.string().optional(),
  type: z.string().optional(), // the name before transformers 4.45
  rope_theta: z.number().positive().optional(),
  factor: z.number().positive().optional(),
  low_freq_factor: z.number().positive().optional(),
  high_freq_factor: z.number().positive().optional(),
  original_max_position_embeddings: z.number().int().positive().optional(),
});

/**
 * Reads the rotary parameters from config.json: published checkpoints carry `rope_theta` and
 * `rope_scaling` (transformers 4.x); transformers 5 writes both into `rope_parameters`.
 * Scalings that change with the input length (dynamic, YaRN, LongRoPE) are refused.
 */
export function ropeScalingFromConfig(
  config: Readonly<Record<string, unknown>>,
  headDimension: number,
  family: string,
): RopeScaling {
  const raw = config.rope_parameters ?? config.rope_scaling ?? {};
  const scaling = parseWithSchema(scalingSchema, raw, `${family} config.json rope_scaling`);
  const topTheta = typeof config.rope_theta === "number" ? config.rope_theta : undefined;
  const theta = scaling.rope_theta ?? topTheta ?? 10_000;
  const type = scaling.rope_type ?? scaling.type ?? "default";
  if (type === "default") return { type, theta };
  const factor = scaling.factor;
  if (type === "linear" && factor !== undefined) return { type, theta, factor };
  if (type === "llama3") {
    const { low_freq_factor, high_freq_factor, original_max_position_embeddings } = scaling;
    if (
      factor !== undefined &&
      low_freq_factor !== undefined &&
      high_freq_factor !== undefined &&
      original_max_position_embeddings !== undefined &&
      high_freq_factor > low_freq_factor
    ) {
      return {
        type,
        theta,
        factor,
        lowFrequencyFactor: low_freq_factor,
        highFrequencyFactor: high_freq_factor,
        originalMaxPositions: original_max_position_embeddings,
      };
    }
    throw new HybridRagError(
      "invalid-argument",
      `${family} config.json: rope_type "llama3" needs factor, low_freq_factor < high_freq_factor and original_max_position_embeddings, got ${JSON.stringify(raw)}; fix rope_scaling.`,
    );
  }
  if (type === "linear") {
    throw new HybridRagError(
      "invalid-argument",
      `${family} config.json: rope_type "linear" needs a factor, got ${JSON.stringify(raw)}.`,
    );
  }
  throw new HybridRagError(
    "unsupported",
    `${family} config.json: rope_type "${type}" is not supported (head dimension ${headDimension}); supported: ${supportedTypes.join(", ")}.`,
  );
}

/**
 * The rotary inverse frequencies, rounded to float32 as transformers computes them:
 * 1 / theta^(2i / d), then rescaled. Llama 3's rescaling keeps high frequencies (wavelength
 * below original_max / high_freq_factor), divides low ones (wavelength above
 * original_max / low_freq_factor) by `factor`, and blends linearly in between.
 */
export function inverseFrequencies(scaling: RopeScaling, headDimension: number): Float32Array {
  const half = headDimension / 2;
  const frequencies = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const exponent = Math.fround((2 * i) / headDimension);
    frequencies[i] = 1 / Math.fround(scaling.theta ** exponent);
  }
  if (scaling.type === "default") return frequencies;
  if (scaling.type === "linear") return frequencies.map((value) => value / scaling.factor);
  const { factor, lowFrequencyFactor, highFrequencyFactor, originalMaxPositions } = scaling;
  const lowFrequencyWavelength = originalMaxPositions / lowFrequencyFactor;
  const highFrequencyWavelength = originalMaxPositions / highFrequencyFactor;
  return frequencies.map((frequency) => {
    const wavelength = (2 * Math.PI) / frequency;
    if (wavelength < highFrequencyWavelength) return frequency;
    if (wavelength > lowFrequencyWavelength) return frequency / factor;
    const smooth =
      (originalMaxPositions / wavelength - lowFrequencyFactor) /
      (highFrequencyFactor - lowFrequencyFactor);
    return ((1 - smooth) * frequency) / factor + smooth * frequency;
  });
}

/**
 * cos and sin of position × frequency for positions [0, positions), [positions, d/2] each, as
 * onnxruntime's RotaryEmbedding takes them. The angle is rounded to float32 first, as
 * transformers multiplies in float32: at 100 k positions that rounding moves cos by ~1e-3.
 */
export function rotaryTables(
  frequencies: Float32Array,
  positions: number,
): { readonly cos: Float32Array; readonly sin: Float32Array } {
  const half = frequencies.length;
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let position = 0; position < positions; position++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(position * (frequencies[i] ?? 0));
      cos[position * half + i] = Math.cos(angle);
      sin[position * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

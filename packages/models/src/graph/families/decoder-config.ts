import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { type RopeScaling, ropeScalingFromConfig } from "./rope-frequencies.ts";

/** The shape of a decoder (Llama, Mistral, Qwen3) as config.json describes it. */
export interface DecoderArchitecture {
  readonly vocabularySize: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly keyValueHeads: number;
  readonly headDimension: number;
  readonly intermediate: number;
  readonly rmsNormEpsilon: number;
  readonly maxPositions: number;
  readonly rope: RopeScaling;
  /** Attention sees at most this many tokens on each side (Mistral); undefined: all. */
  readonly slidingWindow: number | undefined;
  readonly attentionBias: boolean;
  readonly tieWordEmbeddings: boolean;
}

const positiveInteger = z.number().int().positive();

// Fields shared by LlamaConfig, MistralConfig and Qwen3Config (transformers 4.x and 5.x names).
const decoderConfigSchema = z.looseObject({
  vocab_size: positiveInteger,
  hidden_size: positiveInteger,
  num_hidden_layers: positiveInteger,
  num_attention_heads: positiveInteger,
  num_key_value_heads: positiveInteger.nullish(),
  head_dim: positiveInteger.nullish(),
  intermediate_size: positiveInteger,
  rms_norm_eps: z.number().positive().default(1e-6),
  max_position_embeddings: positiveInteger,
  hidden_act: z.enum(["silu", "swish"]).default("silu"),
  sliding_window: positiveInteger.nullish(),
  use_sliding_window: z.boolean().optional(),
  attention_bias: z.boolean().default(false),
  mlp_bias: z.literal(false).optional(),
  tie_word_embeddings: z.boolean().default(false),
});

/**
 * Validates the decoder fields of config.json (`family` names the family in messages).
 * `sliding_window` applies unless `use_sliding_window` is false (Qwen3 ships it false; Mistral
 * has no such flag).
 */
export function parseDecoderArchitecture(
  config: Readonly<Record<string, unknown>>,
  family: string,
): DecoderArchitecture {
  const parsed = parseWithSchema(decoderConfigSchema, config, `${family} config.json`);
  const keyValueHeads = parsed.num_key_value_heads ?? parsed.num_attention_heads;
  if (parsed.num_attention_heads % keyValueHeads !== 0) {
    throw new HybridRagError(
      "invalid-argument",
      `${family} config.json: num_attention_heads (${parsed.num_attention_heads}) must be a multiple of num_key_value_heads (${keyValueHeads}); the file is not a valid grouped-query attention config.`,
    );
  }
  const headDimension = parsed.head_dim ?? parsed.hidden_size / parsed.num_attention_heads;
  if (!Number.isInteger(headDimension) || headDimension % 2 !== 0) {
    throw new HybridRagError(
      "invalid-argument",
      `${family} config.json: the head dimension (${headDimension}, from head_dim or hidden_size / num_attention_heads) must be an even integer for rotary embeddings.`,
    );
  }
  const slidingWindowApplies = parsed.use_sliding_window ?? true;
  return {
    vocabularySize: parsed.vocab_size,
    hidden: parsed.hidden_size,
    layers: parsed.num_hidden_layers,
    heads: parsed.num_attention_heads,
    keyValueHeads,
    headDimension,
    intermediate: parsed.intermediate_size,
    rmsNormEpsilon: parsed.rms_norm_eps,
    maxPositions: parsed.max_position_embeddings,
    rope: ropeScalingFromConfig(config, headDimension, family),
    slidingWindow: slidingWindowApplies ? (parsed.sliding_window ?? undefined) : undefined,
    attentionBias: parsed.attention_bias,
    tieWordEmbeddings: parsed.tie_word_embeddings,
  };
}

/** config.json's `architectures` list and `model_type`, for `ModelFamily.matches`. */
export function configNames(config: Readonly<Record<string, unknown>>): {
  readonly architectures: readonly string[];
  readonly modelType: string | undefined;
} {
  const architectures = Array.isArray(config.architectures)
    ? config.architectures.filter((value): value is string => typeof value === "string")
    : [];
  const modelType = typeof config.model_type === "string" ? config.model_type : undefined;
  return { architectures, modelType };
}

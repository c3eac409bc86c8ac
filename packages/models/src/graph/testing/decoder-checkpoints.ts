import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SeededRandom } from "../../testing/seeded-random.ts";
import {
  type SafetensorsDType,
  type SafetensorsEntry,
  writeSafetensorsWeights,
} from "../../testing/write-safetensors.ts";

/** Which head the checkpoint carries: NVIDIA's `score` linear, or a causal LM's `lm_head`. */
export type DecoderHead = "score" | "lm-head";

// Tiny shapes the references run in milliseconds: 2 layers, hidden 64, 4 query heads sharing
// 2 key/value heads (grouped-query attention), head dimension 16.
const tinyShape = {
  vocab_size: 512,
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 16,
  intermediate_size: 128,
  rms_norm_eps: 1e-5,
  max_position_embeddings: 128,
  hidden_act: "silu",
  attention_bias: false,
  mlp_bias: false,
  initializer_range: 0.02,
};

/**
 * NVIDIA's llama-3.2-nv-rerankqa-1b-v2 config.json at tiny size. `original_max_position_embeddings`
 * 32 so that inputs past 32 tokens exercise Llama 3's rescaled frequencies, and rope_theta 10000
 * so that the 8 frequencies fall in all three of its bands (kept, blended, divided).
 */
export function tinyLlamaBidirectionalConfig(): Record<string, unknown> {
  return {
    architectures: ["LlamaBidirectionalForSequenceClassification"],
    auto_map: {
      AutoConfig: "llama_bidirectional_model.LlamaBidirectionalConfig",
      AutoModel: "llama_bidirectional_model.LlamaBidirectionalModel",
      AutoModelForSequenceClassification:
        "llama_bidirectional_model.LlamaBidirectionalForSequenceClassification",
    },
    model_type: "llama_bidirec",
    ...tinyShape,
    rope_theta: 10_000,
    rope_scaling: {
      rope_type: "llama3",
      factor: 32,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 32,
    },
    pooling: "avg",
    temperature: 1,
    tie_word_embeddings: true,
    id2label: { "0": "LABEL_0" },
    label2id: { LABEL_0: 0 },
    pad_token_id: 0,
    torch_dtype: "float32",
  };
}

/** A Mistral reranker with NVIDIA's bidirectional recipe and a sliding window of 16 tokens. */
export function tinyMistralBidirectionalConfig(): Record<string, unknown> {
  return {
    architectures: ["MistralBidirectionalForSequenceClassification"],
    model_type: "mistral_bidirec",
    ...tinyShape,
    rope_theta: 10_000,
    sliding_window: 16,
    pooling: "avg",
    temperature: 1,
    tie_word_embeddings: false,
    pad_token_id: 0,
    torch_dtype: "float32",
  };
}

/** transformers' MistralForSequenceClassification: causal, scored at the last non-pad token. */
export function tinyMistralCausalConfig(): Record<string, unknown> {
  return {
    ...tinyMistralBidirectionalConfig(),
    architectures: ["MistralForSequenceClassification"],
    model_type: "mistral",
    pooling: undefined,
  };
}

/** Qwen3-Reranker's config.json (Qwen3ForCausalLM) at tiny size; rope_theta as published. */
export function tinyQwen3RerankerConfig(): Record<string, unknown> {
  return {
    architectures: ["Qwen3ForCausalLM"],
    model_type: "qwen3",
    ...tinyShape,
    rope_theta: 1_000_000,
    rope_scaling: null,
    sliding_window: null,
    use_sliding_window: false,
    max_window_layers: 2,
    tie_word_embeddings: true,
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: "float32",
  };
}

export interface DecoderCheckpointOptions {
  readonly head: DecoderHead;
  /** Qwen3's per-head q_norm / k_norm. */
  readonly queryKeyNorm?: boolean;
  readonly seed?: number;
  readonly dtype?: SafetensorsDType;
  readonly shards?: number;
}

/**
 * Writes config.json and random weights named as transformers names Llama / Mistral / Qwen3
 * checkpoints (`model.layers.N.self_attn.q_proj.weight`, …, `score.weight` or `lm_head.weight`
 * unless tied). Weights are N(0, 0.1²), norm scales N(1, 0.1²): wide enough that different
 * inputs get visibly different scores.
 */
export async function writeDecoderCheckpoint(
  directory: string,
  config: Readonly<Record<string, unknown>>,
  options: DecoderCheckpointOptions,
): Promise<void> {
  const random = new SeededRandom(options.seed ?? 21);
  const number = (key: string): number => config[key] as number;
  const hidden = number("hidden_size");
  const headDimension = number("head_dim");
  const queryWidth = number("num_attention_heads") * headDimension;
  const keyValueWidth = number("num_key_value_heads") * headDimension;
  const intermediate = number("intermediate_size");
  const tensors: Record<string, SafetensorsEntry> = {};
  const add = (name: string, shape: readonly number[], mean = 0): void => {
    const count = shape.reduce((product, dim) => product * dim, 1);
    tensors[name] = { shape, values: random.normals(count, 0.1, mean) };
  };
  add("model.embed_tokens.weight", [number("vocab_size"), hidden]);
  for (let layer = 0; layer < number("num_hidden_layers"); layer++) {
    const prefix = `model.layers.${layer}.`;
    add(`${prefix}input_layernorm.weight`, [hidden], 1);
    add(`${prefix}self_attn.q_proj.weight`, [queryWidth, hidden]);
    add(`${prefix}self_attn.k_proj.weight`, [keyValueWidth, hidden]);
    add(`${prefix}self_attn.v_proj.weight`, [keyValueWidth, hidden]);
    if (options.queryKeyNorm) {
      add(`${prefix}self_attn.q_norm.weight`, [headDimension], 1);
      add(`${prefix}self_attn.k_norm.weight`, [headDimension], 1);
    }
    add(`${prefix}self_attn.o_proj.weight`, [hidden, queryWidth]);
    add(`${prefix}post_attention_layernorm.weight`, [hidden], 1);
    add(`${prefix}mlp.gate_proj.weight`, [intermediate, hidden]);
    add(`${prefix}mlp.up_proj.weight`, [intermediate, hidden]);
    add(`${prefix}mlp.down_proj.weight`, [hidden, intermediate]);
  }
  add("model.norm.weight", [hidden], 1);
  if (options.head === "score") add("score.weight", [1, hidden]);
  else if (config.tie_word_embeddings !== true)
    add("lm_head.weight", [number("vocab_size"), hidden]);
  await writeSafetensorsWeights(directory, tensors, {
    dtype: options.dtype ?? "F32",
    shards: options.shards ?? 1,
  });
  const written = Object.fromEntries(
    Object.entries(config).filter(([, value]) => value !== undefined),
  );
  await writeFile(join(directory, "config.json"), `${JSON.stringify(written, null, 2)}\n`);
}

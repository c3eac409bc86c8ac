import type { VisionInputFormat } from "./families/nemotron-vl-config.ts";
import type { OnnxGraphBuilder } from "./onnx-graph-builder.ts";

export type { VisionInputFormat } from "./families/nemotron-vl-config.ts";

// The contract between the model builder (safetensors directory → ONNX graph, cached) and the
// architecture families that write the graph. A family knows one architecture's tensors and
// forward pass; the builder knows files, dtypes, caching and sessions.
//
// Graph conventions every family follows, so the reranker and embedder runtimes stay unchanged:
// - inputs `input_ids` and `attention_mask` (int64, [batch_size, sequence_length]), plus
//   `token_type_ids` where the architecture has token types (BERT); right padding;
// - a cross-encoder outputs `logits` (float32, [batch_size, 1]): one raw score per pair;
// - an embedder outputs `last_hidden_state` (float32, [batch_size, sequence_length, hidden]);
//   pooling and normalisation stay outside the graph, as for Optimum exports;
// - fp16 graphs keep int64 inputs and float32 outputs (keep_io_types);
// - a vision-language family adds `pixel_values` (float32, [tiles, 3, size, size], normalised
//   tiles of every image of the batch in reading order; [0, 3, size, size] for text only) and
//   reads each image token id of `input_ids` as the place of the next tile feature.

/** Element types a safetensors file may store for the floating-point weights we load. */
export type StoredDType = "F32" | "F16" | "BF16";

export interface TensorInfo {
  readonly dtype: StoredDType;
  readonly shape: readonly number[];
}

/** A model's weights by checkpoint tensor name (as `model.safetensors` names them). */
export interface WeightSource {
  names(): readonly string[];
  info(name: string): TensorInfo | undefined;
  /**
   * The tensor as float32 (f16/bf16 widened exactly). Throws HybridRagError `corrupt-data`
   * naming the file and tensor when it is missing, truncated or not the expected shape.
   */
  readFloat32(name: string, expectedShape?: readonly number[]): Promise<Float32Array>;
}

export type GraphPrecision = "float32" | "float16";

/** What the graph computes: one logit per (query, passage) pair, or token embeddings. */
export type ModelTask = "cross-encoder" | "embedder";

/** How a pair is turned into model input for this family (from the model card / config). */
export interface PairInputFormat {
  /** e.g. "question:{query} \n \n passage:{passage}"; undefined → tokenizer's pair encoding. */
  readonly template: string | undefined;
}

export interface FamilyBuildContext {
  /** config.json as parsed (validated by the family itself). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly weights: WeightSource;
  readonly builder: OnnxGraphBuilder;
  readonly precision: GraphPrecision;
  readonly task: ModelTask;
  /**
   * The id of one token in the directory's tokenizer.json (vocabulary or added tokens), for
   * families whose score reads given tokens' logits (qwen3-reranker: "yes" and "no").
   * Optional: families that need it refuse to build without it.
   */
  readonly tokenId?: (token: string) => number | undefined;
}

export interface ModelFamily {
  /** Stable name shown to users: "bert", "xlm-roberta", "modernbert", "llama-bidirectional", "mistral", "qwen3-reranker". */
  readonly name: string;
  readonly tasks: readonly ModelTask[];
  /** The default-domain opset the graph is encoded with (default 17; the decoders need 23). */
  readonly opset?: number;
  /** True when config.json (`architectures` / `model_type`) belongs to this family. */
  matches(config: Readonly<Record<string, unknown>>): boolean;
  /** Adds the inputs, nodes, initializers and outputs of the graph to `context.builder`. */
  build(context: FamilyBuildContext): Promise<void>;
  /** The pair format for cross-encoding; the directory's own config may override it. */
  pairInputFormat(config: Readonly<Record<string, unknown>>): PairInputFormat;
  /**
   * Vision-language families: how an image becomes tiles and image tokens (config.json, with
   * processor_config.json's tiling keys when the directory has one). Absent: text only.
   */
  visionInputFormat?(
    config: Readonly<Record<string, unknown>>,
    processor?: Readonly<Record<string, unknown>>,
  ): VisionInputFormat;
}

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBertGraph } from "./bert-graph.ts";
import { bertTokenizerConfig, bertTokenizerJson } from "./bert-tokenizer-json.ts";
import { SeededRandom } from "./seeded-random.ts";

export interface TinyBertOptions {
  readonly kind: "cross-encoder" | "bi-encoder";
  readonly layers?: number;
  readonly hidden?: number;
  readonly heads?: number;
  /** FFN width; default 4 × hidden, as in BERT. */
  readonly intermediate?: number;
  readonly maxPositions?: number;
  readonly seed?: number;
  /** Bi-encoders only: the sentence-transformers pooling written to 1_Pooling/config.json. */
  readonly pooling?: "mean" | "cls";
  /** Bi-encoders only: whether modules.json ends with a Normalize module. */
  readonly normalize?: boolean;
  /** Also write onnx/model_fp16.onnx: the same weights (same seed) in half precision. */
  readonly fp16?: boolean;
  /** The WordPiece vocabulary; default `../shared/models/bert-base-uncased-vocab.txt` from the repository root. */
  readonly vocabularyPath?: string;
}

export interface TinyBertModel {
  readonly directory: string;
  readonly modelPath: string;
  readonly hidden: number;
  readonly layers: number;
}

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** `../shared` beside the repository root: read-only datasets and model assets. */
export const sharedDirectory = resolve(repositoryRoot, "../shared");

/** Where the shared bert-base-uncased vocabulary lives. */
export const defaultVocabularyPath = join(sharedDirectory, "models/bert-base-uncased-vocab.txt");

/**
 * Writes a Hugging Face–style directory holding a random-weight BERT model: config.json,
 * tokenizer.json (real bert-base-uncased WordPiece), tokenizer_config.json, onnx/model.onnx,
 * and for bi-encoders the sentence-transformers modules.json and 1_Pooling/config.json.
 * Speed does not depend on weight values, so real architectures (MiniLM-L6-H384: 6 layers,
 * hidden 384, 12 heads; BERT-base: 12, 768, 12) serve as benchmark stand-ins.
 */
export async function createTinyBertModel(
  directory: string,
  options: TinyBertOptions,
): Promise<TinyBertModel> {
  const hidden = options.hidden ?? 32;
  const heads = options.heads ?? 2;
  const layers = options.layers ?? 2;
  if (hidden % heads !== 0) {
    throw new Error(`hidden (${hidden}) must be a multiple of heads (${heads}).`);
  }
  const vocabulary = await readVocabulary(options.vocabularyPath ?? defaultVocabularyPath);
  const architecture = {
    kind: options.kind,
    vocabularySize: vocabulary.length,
    hidden,
    layers,
    heads,
    intermediate: options.intermediate ?? hidden * 4,
    maxPositions: options.maxPositions ?? 512,
    typeVocabularySize: 2,
    layerNormEpsilon: 1e-12,
  };
  const onnxBytes = buildBertGraph(architecture, new SeededRandom(options.seed ?? 42));
  const modelPath = join(directory, "onnx", "model.onnx");
  await mkdir(dirname(modelPath), { recursive: true });
  await writeFile(modelPath, onnxBytes);
  if (options.fp16) {
    const fp16Bytes = buildBertGraph(architecture, new SeededRandom(options.seed ?? 42), "fp16");
    await writeFile(join(directory, "onnx", "model_fp16.onnx"), fp16Bytes);
  }
  await writeJson(join(directory, "config.json"), bertConfig(architecture));
  await writeJson(join(directory, "tokenizer.json"), bertTokenizerJson(vocabulary));
  await writeJson(join(directory, "tokenizer_config.json"), {
    ...bertTokenizerConfig,
    model_max_length: architecture.maxPositions,
  });
  await writeJson(join(directory, "special_tokens_map.json"), {
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    mask_token: "[MASK]",
  });
  if (options.kind === "bi-encoder") {
    await writeSentenceTransformersConfig(directory, hidden, options);
  }
  return { directory, modelPath, hidden, layers };
}

async function readVocabulary(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function bertConfig(architecture: {
  kind: "cross-encoder" | "bi-encoder";
  vocabularySize: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  maxPositions: number;
  layerNormEpsilon: number;
}): object {
  const crossEncoder = architecture.kind === "cross-encoder";
  return {
    architectures: [crossEncoder ? "BertForSequenceClassification" : "BertModel"],
    // Read by reports (apps/benchmark) so that numbers from this model are never taken for quality.
    hybrid_rag_test_model:
      "random weights from @hybrid-rag/models/testing: latency is real, quality is meaningless",
    model_type: "bert",
    vocab_size: architecture.vocabularySize,
    hidden_size: architecture.hidden,
    num_hidden_layers: architecture.layers,
    num_attention_heads: architecture.heads,
    intermediate_size: architecture.intermediate,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: architecture.maxPositions,
    type_vocab_size: 2,
    initializer_range: 0.02,
    layer_norm_eps: architecture.layerNormEpsilon,
    pad_token_id: 0,
    position_embedding_type: "absolute",
    ...(crossEncoder ? { id2label: { "0": "LABEL_0" }, label2id: { LABEL_0: 0 } } : {}),
  };
}

async function writeSentenceTransformersConfig(
  directory: string,
  hidden: number,
  options: TinyBertOptions,
): Promise<void> {
  const modules = [
    { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
    { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
  ];
  if (options.normalize ?? true) {
    modules.push({
      idx: 2,
      name: "2",
      path: "2_Normalize",
      type: "sentence_transformers.models.Normalize",
    });
  }
  await writeJson(join(directory, "modules.json"), modules);
  const pooling = options.pooling ?? "mean";
  await mkdir(join(directory, "1_Pooling"), { recursive: true });
  await writeJson(join(directory, "1_Pooling", "config.json"), {
    word_embedding_dimension: hidden,
    pooling_mode_cls_token: pooling === "cls",
    pooling_mode_mean_tokens: pooling === "mean",
    pooling_mode_max_tokens: false,
    pooling_mode_mean_sqrt_len_tokens: false,
    pooling_mode_weightedmean_tokens: false,
    pooling_mode_lasttoken: false,
    include_prompt: true,
  });
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

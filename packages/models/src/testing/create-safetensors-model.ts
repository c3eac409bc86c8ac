import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bertTokenizerConfig, bertTokenizerJson } from "./bert-tokenizer-json.ts";
import { defaultVocabularyPath } from "./create-tiny-bert-model.ts";
import { SeededRandom } from "./seeded-random.ts";
import {
  type SafetensorsDType,
  type SafetensorsEntry,
  writeSafetensorsWeights,
} from "./write-safetensors.ts";

export type EncoderFamilyName = "bert" | "xlm-roberta" | "modernbert";

export interface SafetensorsModelOptions {
  readonly family: EncoderFamilyName;
  readonly task: "cross-encoder" | "embedder";
  readonly layers?: number;
  readonly hidden?: number;
  readonly heads?: number;
  readonly intermediate?: number;
  readonly maxPositions?: number;
  readonly seed?: number;
  readonly dtype?: SafetensorsDType;
  readonly shards?: number;
  /** Embedders: the sentence-transformers pooling (modules.json + 1_Pooling/config.json). */
  readonly pooling?: "mean" | "cls";
  /** ModernBERT: the sliding-window width of its local-attention layers. */
  readonly localAttention?: number;
  /** ModernBERT cross-encoders: classifier_pooling. */
  readonly classifierPooling?: "cls" | "mean";
  /** ModernBERT: biases everywhere (norm_bias, attention_bias, mlp_bias, classifier_bias). */
  readonly biases?: boolean;
  readonly vocabularyPath?: string;
}

const testModelNote =
  "random weights from @hybrid-rag/models/testing: latency is real, quality is meaningless";

/**
 * Writes a Hugging Face directory as `save_pretrained()` leaves it — config.json, safetensors
 * weights (optionally sharded, F32/F16/BF16), tokenizer.json, tokenizer_config.json,
 * special_tokens_map.json, and for embedders the sentence-transformers files — with random
 * weights under the checkpoint names of the family's transformers class. No ONNX file.
 * Every family uses the real bert-base-uncased WordPiece vocabulary; XLM-R's puts its
 * specials first (<s> 0, <pad> 1, </s> 2, <unk> 3) so padding_idx is 1, as in the real model.
 */
export async function createSafetensorsModel(
  directory: string,
  options: SafetensorsModelOptions,
): Promise<{ directory: string; config: Record<string, unknown> }> {
  const words = await readVocabulary(options.vocabularyPath ?? defaultVocabularyPath);
  const hidden = options.hidden ?? 64;
  const shape = {
    hidden,
    layers: options.layers ?? 2,
    heads: options.heads ?? 4,
    intermediate: options.intermediate ?? hidden * 2,
    maxPositions: options.maxPositions ?? 512,
  };
  const random = new SeededRandom(options.seed ?? 7);
  const tensors: Record<string, SafetensorsEntry> = {};
  const add = (name: string, dims: readonly number[], mean = 0, spread = 0.1): void => {
    const count = dims.reduce((product, dim) => product * dim, 1);
    tensors[name] = { shape: dims, values: random.normals(count, spread, mean) };
  };
  let config: Record<string, unknown>;
  let vocabulary: readonly string[];
  if (options.family === "modernbert") {
    vocabulary = words;
    config = modernBertTensors(add, shape, vocabulary.length, options);
  } else {
    vocabulary = options.family === "xlm-roberta" ? robertaVocabulary(words) : words;
    config = bertShapedTensors(add, shape, vocabulary.length, options);
  }
  await mkdir(directory, { recursive: true });
  await writeSafetensorsWeights(directory, tensors, {
    ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
    ...(options.shards === undefined ? {} : { shards: options.shards }),
  });
  await writeJson(join(directory, "config.json"), config);
  await writeTokenizer(directory, options.family, vocabulary, shape.maxPositions);
  if (options.task === "embedder")
    await writeSentenceTransformers(directory, hidden, options.pooling ?? "mean");
  return { directory, config };
}

type AddTensor = (name: string, dims: readonly number[], mean?: number, spread?: number) => void;

interface Shape {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly maxPositions: number;
}

function bertShapedTensors(
  add: AddTensor,
  shape: Shape,
  vocabularySize: number,
  options: SafetensorsModelOptions,
): Record<string, unknown> {
  const roberta = options.family === "xlm-roberta";
  const cross = options.task === "cross-encoder";
  const base = cross ? (roberta ? "roberta." : "bert.") : "";
  const { hidden, intermediate } = shape;
  // RoBERTa positions start at padding_idx + 1, so its table has two more rows.
  const positions = roberta ? shape.maxPositions + 2 : shape.maxPositions;
  const typeVocabulary = roberta ? 1 : 2;
  const norm = (prefix: string): void => {
    add(`${prefix}.weight`, [hidden], 1);
    add(`${prefix}.bias`, [hidden]);
  };
  const linear = (prefix: string, inFeatures: number, outFeatures: number): void => {
    add(`${prefix}.weight`, [outFeatures, inFeatures]);
    add(`${prefix}.bias`, [outFeatures]);
  };
  add(`${base}embeddings.word_embeddings.weight`, [vocabularySize, hidden]);
  add(`${base}embeddings.position_embeddings.weight`, [positions, hidden]);
  add(`${base}embeddings.token_type_embeddings.weight`, [typeVocabulary, hidden]);
  norm(`${base}embeddings.LayerNorm`);
  for (let layer = 0; layer < shape.layers; layer++) {
    const at = `${base}encoder.layer.${layer}`;
    for (const part of ["query", "key", "value"])
      linear(`${at}.attention.self.${part}`, hidden, hidden);
    linear(`${at}.attention.output.dense`, hidden, hidden);
    norm(`${at}.attention.output.LayerNorm`);
    linear(`${at}.intermediate.dense`, hidden, intermediate);
    linear(`${at}.output.dense`, intermediate, hidden);
    norm(`${at}.output.LayerNorm`);
  }
  if (cross && roberta) {
    linear("classifier.dense", hidden, hidden);
    linear("classifier.out_proj", hidden, 1);
  } else if (cross) {
    linear("bert.pooler.dense", hidden, hidden);
    linear("classifier", hidden, 1);
  }
  return {
    architectures: [
      roberta
        ? cross
          ? "XLMRobertaForSequenceClassification"
          : "XLMRobertaModel"
        : cross
          ? "BertForSequenceClassification"
          : "BertModel",
    ],
    hybrid_rag_test_model: testModelNote,
    model_type: roberta ? "xlm-roberta" : "bert",
    vocab_size: vocabularySize,
    hidden_size: hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: intermediate,
    hidden_act: "gelu",
    max_position_embeddings: positions,
    type_vocab_size: typeVocabulary,
    layer_norm_eps: roberta ? 1e-5 : 1e-12,
    pad_token_id: roberta ? 1 : 0,
    bos_token_id: roberta ? 0 : undefined,
    eos_token_id: roberta ? 2 : undefined,
    position_embedding_type: "absolute",
    ...(cross ? { id2label: { "0": "LABEL_0" }, label2id: { LABEL_0: 0 } } : {}),
  };
}

function modernBertTensors(
  add: AddTensor,
  shape: Shape,
  vocabularySize: number,
  options: SafetensorsModelOptions,
): Record<string, unknown> {
  const cross = options.task === "cross-encoder";
  const base = cross ? "model." : "";
  const { hidden, intermediate } = shape;
  const biases = options.biases ?? false;
  const norm = (prefix: string): void => {
    add(`${prefix}.weight`, [hidden], 1);
    if (biases) add(`${prefix}.bias`, [hidden]);
  };
  const linear = (prefix: string, inFeatures: number, outFeatures: number): void => {
    add(`${prefix}.weight`, [outFeatures, inFeatures]);
    if (biases) add(`${prefix}.bias`, [outFeatures]);
  };
  add(`${base}embeddings.tok_embeddings.weight`, [vocabularySize, hidden]);
  norm(`${base}embeddings.norm`);
  for (let layer = 0; layer < shape.layers; layer++) {
    const at = `${base}layers.${layer}`;
    // Layer 0 has no attention norm (nn.Identity): the embeddings are already normalised.
    if (layer > 0) norm(`${at}.attn_norm`);
    linear(`${at}.attn.Wqkv`, hidden, 3 * hidden);
    linear(`${at}.attn.Wo`, hidden, hidden);
    norm(`${at}.mlp_norm`);
    linear(`${at}.mlp.Wi`, hidden, 2 * intermediate);
    linear(`${at}.mlp.Wo`, intermediate, hidden);
  }
  norm(`${base}final_norm`);
  if (cross) {
    linear("head.dense", hidden, hidden);
    norm("head.norm");
    add("classifier.weight", [1, hidden]);
    add("classifier.bias", [1]);
  }
  return {
    architectures: [cross ? "ModernBertForSequenceClassification" : "ModernBertModel"],
    hybrid_rag_test_model: testModelNote,
    model_type: "modernbert",
    vocab_size: vocabularySize,
    hidden_size: hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: intermediate,
    hidden_activation: "gelu",
    max_position_embeddings: shape.maxPositions,
    norm_eps: 1e-5,
    norm_bias: biases,
    attention_bias: biases,
    mlp_bias: biases,
    classifier_bias: biases,
    classifier_activation: "gelu",
    classifier_pooling: options.classifierPooling ?? "mean",
    global_attn_every_n_layers: 3,
    local_attention: options.localAttention ?? 8,
    global_rope_theta: 160000,
    local_rope_theta: 10000,
    pad_token_id: 0,
    cls_token_id: 2,
    sep_token_id: 3,
    ...(cross ? { id2label: { "0": "LABEL_0" }, label2id: { LABEL_0: 0 } } : {}),
  };
}

/** XLM-R's special tokens first, then the WordPiece words (BERT's own specials dropped). */
function robertaVocabulary(words: readonly string[]): string[] {
  const bertSpecials = new Set(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
  return [
    "<s>",
    "<pad>",
    "</s>",
    "<unk>",
    "<mask>",
    ...words.filter((word) => !bertSpecials.has(word)),
  ];
}

async function writeTokenizer(
  directory: string,
  family: EncoderFamilyName,
  vocabulary: readonly string[],
  maxPositions: number,
): Promise<void> {
  const bert = bertTokenizerJson(
    family === "xlm-roberta" ? withBertSpecialAliases(vocabulary) : vocabulary,
  ) as Record<string, unknown>;
  if (family !== "xlm-roberta") {
    await writeJson(join(directory, "tokenizer.json"), bert);
    await writeJson(join(directory, "tokenizer_config.json"), {
      ...bertTokenizerConfig,
      model_max_length: maxPositions,
    });
    await writeJson(join(directory, "special_tokens_map.json"), {
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
    });
    return;
  }
  const vocab = Object.fromEntries(vocabulary.map((token, index) => [token, index]));
  const specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"];
  await writeJson(join(directory, "tokenizer.json"), {
    ...bert,
    added_tokens: specials.map((token) => ({
      id: vocab[token],
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    // <s> A </s></s> B </s>, as RobertaProcessing writes pairs.
    post_processor: {
      type: "RobertaProcessing",
      sep: ["</s>", 2],
      cls: ["<s>", 0],
      trim_offsets: true,
      add_prefix_space: true,
    },
    model: { ...(bert.model as object), unk_token: "<unk>", vocab },
  });
  await writeJson(join(directory, "tokenizer_config.json"), {
    model_max_length: maxPositions,
    tokenizer_class: "XLMRobertaTokenizer",
    bos_token: "<s>",
    cls_token: "<s>",
    eos_token: "</s>",
    sep_token: "</s>",
    pad_token: "<pad>",
    unk_token: "<unk>",
    mask_token: "<mask>",
  });
  await writeJson(join(directory, "special_tokens_map.json"), {
    bos_token: "<s>",
    cls_token: "<s>",
    eos_token: "</s>",
    sep_token: "</s>",
    pad_token: "<pad>",
    unk_token: "<unk>",
    mask_token: "<mask>",
  });
}

/** bertTokenizerJson looks its specials up by BERT's names; give it XLM-R's ids under them. */
function withBertSpecialAliases(vocabulary: readonly string[]): string[] {
  return vocabulary.map((token) => {
    const alias: Record<string, string> = {
      "<s>": "[CLS]",
      "<pad>": "[PAD]",
      "</s>": "[SEP]",
      "<unk>": "[UNK]",
      "<mask>": "[MASK]",
    };
    return alias[token] ?? token;
  });
}

async function writeSentenceTransformers(
  directory: string,
  hidden: number,
  pooling: "mean" | "cls",
): Promise<void> {
  await writeJson(join(directory, "modules.json"), [
    { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
    { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
    { idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" },
  ]);
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

async function readVocabulary(path: string): Promise<string[]> {
  const lines = (await readFile(path, "utf8")).split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

import { z } from "zod";

/** The parts of config.json this package reads; everything else is kept as is. */
export const modelConfigSchema = z.looseObject({
  model_type: z.string().optional(),
  architectures: z.array(z.string()).optional(),
  max_position_embeddings: z.number().int().positive().optional(),
  hidden_size: z.number().int().positive().optional(),
  id2label: z.record(z.string(), z.string()).optional(),
});

export const tokenizerConfigSchema = z.looseObject({
  model_max_length: z.number().optional(),
});

/** tokenizer.json: only checked for being a tokenizer; @huggingface/tokenizers reads the rest. */
export const tokenizerJsonSchema = z.looseObject({
  model: z.looseObject({ type: z.string().optional() }),
});

export const sentenceTransformersModulesSchema = z.array(
  z.looseObject({ path: z.string(), type: z.string() }),
);

export const poolingConfigSchema = z.looseObject({
  word_embedding_dimension: z.number().int().positive().optional(),
  pooling_mode_cls_token: z.boolean().optional(),
  pooling_mode_mean_tokens: z.boolean().optional(),
  pooling_mode_max_tokens: z.boolean().optional(),
  pooling_mode_lasttoken: z.boolean().optional(),
});

export const sentenceBertConfigSchema = z.looseObject({
  max_seq_length: z.number().int().positive().optional(),
});

export type ModelConfig = z.output<typeof modelConfigSchema>;

/** Files a model directory may hold, in the order they are looked for. */
export const defaultOnnxFiles = ["onnx/model.onnx", "model.onnx"] as const;

/** The small files loadModelDirectory reads, besides the ONNX file. */
export const metadataFiles = [
  "config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "modules.json",
  "sentence_bert_config.json",
  "1_Pooling/config.json",
] as const;

/** Files without which a directory is not a usable model. */
export const requiredFiles = ["config.json", "tokenizer.json"] as const;

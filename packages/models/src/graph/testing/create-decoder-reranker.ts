import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bertTokenizerConfig, bertTokenizerJson } from "../../testing/bert-tokenizer-json.ts";
import { defaultVocabularyPath } from "../../testing/create-tiny-bert-model.ts";
import {
  type DecoderHead,
  tinyLlamaBidirectionalConfig,
  tinyMistralBidirectionalConfig,
  tinyQwen3RerankerConfig,
  writeDecoderCheckpoint,
} from "./decoder-checkpoints.ts";

export type DecoderRerankerFamilyName = "llama-bidirectional" | "mistral" | "qwen3-reranker";

const recipes: Record<
  DecoderRerankerFamilyName,
  { config: () => Record<string, unknown>; head: DecoderHead; queryKeyNorm: boolean }
> = {
  "llama-bidirectional": {
    config: tinyLlamaBidirectionalConfig,
    head: "score",
    queryKeyNorm: false,
  },
  mistral: { config: tinyMistralBidirectionalConfig, head: "score", queryKeyNorm: false },
  "qwen3-reranker": { config: tinyQwen3RerankerConfig, head: "lm-head", queryKeyNorm: true },
};

/**
 * A decoder reranker directory as save_pretrained() leaves it — config.json, random safetensors
 * weights, tokenizer.json and tokenizer_config.json, no ONNX — that the apps can load by path.
 * The tokenizer is bert-base-uncased's WordPiece (its vocabulary sizes the embedding table; it
 * has "yes" and "no" for Qwen3's score), standing in for the models' own BPE tokenizers: what is
 * tested is the graph on the ids the tokenizer gives, not the tokenizer.
 */
export async function createDecoderRerankerDirectory(
  directory: string,
  family: DecoderRerankerFamilyName,
  options: { readonly seed?: number } = {},
): Promise<void> {
  const vocabulary = (await readFile(defaultVocabularyPath, "utf8")).split("\n");
  if (vocabulary.at(-1) === "") vocabulary.pop();
  const recipe = recipes[family];
  // Room for Qwen3's instruct template (~110 WordPiece tokens) plus a pair.
  const config = {
    ...recipe.config(),
    vocab_size: vocabulary.length,
    pad_token_id: 0,
    max_position_embeddings: 256,
  };
  await writeDecoderCheckpoint(directory, config, {
    head: recipe.head,
    queryKeyNorm: recipe.queryKeyNorm,
    seed: options.seed ?? 21,
  });
  await writeFile(join(directory, "tokenizer.json"), JSON.stringify(bertTokenizerJson(vocabulary)));
  await writeFile(
    join(directory, "tokenizer_config.json"),
    JSON.stringify({ ...bertTokenizerConfig, model_max_length: 256 }),
  );
}

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { HybridRagError } from "@hybrid-rag/core";

/** Counts the tokens a model would see in a text (without its special tokens). */
export interface TokenCounter {
  readonly name: string;
  count(text: string): number;
}

const wordPattern = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/**
 * A fast estimate of WordPiece/BPE token counts without a tokenizer: one token per punctuation
 * mark and per word, plus one per further 6 characters of long words (rare words split into
 * pieces). On the first 500 SciFact abstracts its total is 7% above bert-base-uncased's and
 * 95% of documents get at least 93% of their real count (checked in the tests): leave a margin
 * below the model's limit, or configure the real tokenizer.
 */
export const approximateTokenCounter: TokenCounter = {
  name: "approximate",
  count(text: string): number {
    let tokens = 0;
    for (const match of text.matchAll(wordPattern)) {
      const length = match[0].length;
      tokens += length <= 6 ? 1 : 1 + Math.ceil((length - 6) / 6);
    }
    return tokens;
  },
};

/** The exact count of a Hugging Face `tokenizer.json` tokenizer (`@huggingface/tokenizers`). */
export function huggingFaceTokenCounter(
  tokenizerJson: object,
  tokenizerConfig: object = {},
  name = "tokenizer.json",
): TokenCounter {
  const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  return {
    name,
    count: (text) => tokenizer.tokenize(text, { add_special_tokens: false }).length,
  };
}

/** Reads `tokenizer.json` (and `tokenizer_config.json` when present) from a model folder. */
export async function loadTokenCounter(modelDirectory: string): Promise<TokenCounter> {
  const read = async (file: string) =>
    JSON.parse(await readFile(join(modelDirectory, file), "utf8"));
  let json: object;
  try {
    json = await read("tokenizer.json");
  } catch (error) {
    throw new HybridRagError(
      "not-found",
      `No readable tokenizer.json in ${modelDirectory}: ${error instanceof Error ? error.message : String(error)}. Point to a model folder with a tokenizer.json, or use the approximate counter.`,
      { cause: error },
    );
  }
  const config = await read("tokenizer_config.json").catch(() => ({}));
  return huggingFaceTokenCounter(json, config, `tokenizer.json of ${modelDirectory}`);
}

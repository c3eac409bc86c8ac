import { parseWithSchema } from "@hybrid-rag/core";
import { Tokenizer } from "@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js";
import { readUseLiteModelFiles, type UseLiteVocabulary } from "./use-lite-model-files.ts";
import { type UseLiteEmbedderOptions, useLiteEmbedderSchema } from "./use-lite-options.ts";

/** The vocabulary's word-boundary piece: what an empty text is encoded as (one token). */
const wordBoundaryPiece = "▁";

/** USE-lite's text → token ids, cut at `maxTokens`; an empty text is one word-boundary token. */
export function useLiteEncoder(
  vocabulary: UseLiteVocabulary,
  maxTokens: number,
): (text: string) => number[] {
  const tokenizer = new Tokenizer(vocabulary as Array<[string, number]>);
  const emptyEncoding = [vocabulary.findIndex(([piece]) => piece === wordBoundaryPiece)];
  return (text) => {
    const ids = tokenizer.encode(text).slice(0, maxTokens);
    return ids.length > 0 ? ids : emptyEncoding;
  };
}

/** USE-lite's tokenizer alone (no graph): what chunking needs beside an embedder pool. */
export interface UseLiteTokenizer {
  readonly name: string;
  readonly maxTokens: number;
  countTokens(text: string): number;
}

export async function loadUseLiteTokenizer(
  options: UseLiteEmbedderOptions = {},
): Promise<UseLiteTokenizer> {
  const settings = parseWithSchema(useLiteEmbedderSchema, options, "USE-lite embedder options");
  const files = await readUseLiteModelFiles(settings.directory);
  const encode = useLiteEncoder(files.vocabulary, settings.maxTokens);
  return {
    name: settings.name,
    maxTokens: settings.maxTokens,
    countTokens: (text) => encode(text).length,
  };
}

import { parseWithSchema } from "@hybrid-rag/core";
import { sentencePieceEncoder } from "./sentence-piece-encoder.ts";
import { readUseLiteModelFiles, type UseLiteVocabulary } from "./use-lite-model-files.ts";
import { type UseLiteEmbedderOptions, useLiteEmbedderSchema } from "./use-lite-options.ts";

/** The vocabulary's word-boundary piece: what an empty text is encoded as (one token). */
const wordBoundaryPiece = "▁";

/** USE-lite's text → token ids, cut at `maxTokens`; an empty text is one word-boundary token. */
export function useLiteEncoder(
  vocabulary: UseLiteVocabulary,
  maxTokens: number,
): (text: string) => number[] {
  // The USE package's Tokenizer's ids, in linear time (see sentence-piece-encoder.ts).
  const tokenize = sentencePieceEncoder(vocabulary);
  const emptyEncoding = [vocabulary.findIndex(([piece]) => piece === wordBoundaryPiece)];
  return (text) => {
    const ids = tokenize(text).slice(0, maxTokens);
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

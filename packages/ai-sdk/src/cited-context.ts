import type { TokenCounter } from "@hybrid-rag/chunking";
import {
  type BuiltContext,
  buildContext,
  type SearchSource,
  searchPassages,
} from "@hybrid-rag/collection";
import type { MetadataFilter } from "@hybrid-rag/core";

export interface CitedContextOptions {
  /** Tokens the numbered passages may take (required; leave room for the question and answer). */
  readonly maxTokens: number;
  /** How tokens are counted (default: an estimate; pass the LLM's tokenizer if you have it). */
  readonly tokenCounter?: TokenCounter;
  /** Chunk hits to pack (default 10). */
  readonly topK?: number;
  readonly filter?: MetadataFilter;
  readonly signal?: AbortSignal;
}

export interface CitedContext extends BuiltContext {
  /** A system prompt: how to cite, then the numbered passages. */
  readonly system: string;
}

/**
 * Searches, then packs the best passages into a token budget with `[n]` citations (the
 * collection's `buildContext`): `generateText({ model, system: context.system, prompt: question })`,
 * then map each `[n]` in the answer to `context.citations`.
 */
export async function citedContext(
  source: SearchSource,
  question: string,
  options: CitedContextOptions,
): Promise<CitedContext> {
  const { maxTokens, tokenCounter, ...search } = options;
  const { hits } = await searchPassages(source, question, search);
  const built = buildContext(hits, { maxTokens, ...(tokenCounter ? { tokenCounter } : {}) });
  const system =
    built.citations.length === 0
      ? "No passage matched the question: say that the sources do not answer it."
      : `Answer from the numbered passages below only, and cite each claim as [number]. If they do not answer the question, say so.\n\n${built.text}`;
  return { ...built, system };
}

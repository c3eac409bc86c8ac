import type { UseLiteEmbedder } from "./use-lite-embedder.ts";

/** A token counter for chunking (the shape of `@hybrid-rag/chunking`'s `TokenCounter`). */
export interface UseLiteTokenCounter {
  readonly name: string;
  count(text: string): number;
}

/**
 * Counts the tokens USE-lite's tokenizer makes of a whole text (not cut at `maxTokens`), in time
 * linear in its length. The embedder's count stops at `maxTokens`, so a long text is counted in
 * windows of at most `maxTokens - 1` characters cut at a space (the USE package's own tokenizer
 * was also quadratic in the text's length; ours is linear, see sentence-piece-encoder.ts): it
 * writes every space as the word-boundary piece
 * `▁`, which only ever starts a piece, so the counts of the windows add up exactly. A run of
 * more than `maxTokens - 1` characters without a space is cut inside a word and may count a
 * token more per cut (chunks come out slightly smaller, never larger).
 */
export function useLiteTokenCounter(
  embedder: Pick<UseLiteEmbedder, "name" | "maxTokens" | "countTokens">,
): UseLiteTokenCounter {
  // A window of n characters encodes to at most n + 1 tokens: never cut by maxTokens.
  const window = Math.max(1, embedder.maxTokens - 1);
  return {
    name: `tokenizer of ${embedder.name}`,
    count(text: string): number {
      if (text.length <= window) return text.length === 0 ? 0 : embedder.countTokens(text);
      let tokens = 0;
      let start = 0;
      while (start < text.length) {
        let end = Math.min(text.length, start + window);
        let next = end;
        if (end < text.length) {
          const space = text.lastIndexOf(" ", end);
          // The space itself becomes the next window's leading `▁`.
          if (space > start) [end, next] = [space, space + 1];
        }
        tokens += embedder.countTokens(text.slice(start, end));
        start = next;
      }
      return tokens;
    },
  };
}

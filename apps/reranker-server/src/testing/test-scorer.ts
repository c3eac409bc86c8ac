import type { PairScorer } from "../pair-scorer.ts";

/** Placeholder until the real cross-encoder lands: shared-word count as the logit. */
export async function loadTestScorer(): Promise<PairScorer> {
  const words = (text: string) => text.toLowerCase().match(/\w+/g) ?? [];
  return {
    maxTokens: 64,
    countTokens: (query, passage) => words(query).length + words(passage).length + 3,
    async scorePairs(pairs) {
      return Float32Array.from(pairs, ({ query, passage }) => {
        const passageWords = new Set(words(passage));
        return words(query).filter((word) => passageWords.has(word)).length - 0.5;
      });
    },
  };
}

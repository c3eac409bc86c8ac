import { throwIfAborted } from "../abort.ts";
import { HybridRagError } from "../errors.ts";
import type { Hit } from "../hit.ts";
import type { Reranker, RerankOptions } from "../reranker.ts";
import { simpleTokens } from "./simple-tokens.ts";

/** A reference Reranker for tests: scores each candidate by the share of query words it holds. */
export class WordOverlapReranker implements Reranker {
  readonly name = "word-overlap";

  async rerank(query: string, candidates: readonly Hit[], options?: RerankOptions): Promise<Hit[]> {
    throwIfAborted(options?.signal, "word-overlap reranker");
    const topN = options?.topN;
    if (topN !== undefined && !(Number.isInteger(topN) && topN >= 1)) {
      throw new HybridRagError("invalid-argument", `topN must be a whole number ≥ 1, got ${topN}.`);
    }
    const queryTokens = new Set(simpleTokens(query));
    const scored = candidates.map((hit) => {
      if (!hit.document) {
        throw new HybridRagError(
          "invalid-argument",
          `Candidate ${hit.id} has no document: retrieve with includeDocuments to rerank.`,
        );
      }
      const tokens = new Set(simpleTokens(`${hit.document.title ?? ""} ${hit.document.text}`));
      const shared = [...queryTokens].filter((token) => tokens.has(token)).length;
      return { hit, score: queryTokens.size === 0 ? 0 : shared / queryTokens.size };
    });
    scored.sort((a, b) => b.score - a.score || a.hit.rank - b.hit.rank);
    return scored.slice(0, topN ?? scored.length).map(({ hit, score }, index) => ({
      ...hit,
      score,
      rank: index + 1,
      rerank: { reranker: this.name, score, previousRank: hit.rank, previousScore: hit.score },
    }));
  }
}

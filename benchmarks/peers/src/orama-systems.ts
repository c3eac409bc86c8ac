import { type AnyOrama, create, insertMultiple, search } from "@orama/orama";
import { type Corpus, indexedText } from "./corpus.ts";
import type { PeerSystem } from "./peer-system.ts";

export type OramaMode = "bm25" | "vectors" | "hybrid";

/**
 * Orama (pure JavaScript): its BM25 full-text search, its vector search (exhaustive cosine over
 * the stored vectors) and its hybrid mode (both, weights 0.5 / 0.5). The similarity threshold is
 * set to 0 (default 0.8) so that it returns `limit` hits as the other engines do.
 */
const batchSize = 10_000;

export function oramaSystem(mode: OramaMode): PeerSystem {
  let database: AnyOrama | undefined;
  let corpusQueries: Corpus["queries"] = [];
  let queryVectors: readonly Float32Array[] = [];
  return {
    async build(corpus, onProgress) {
      corpusQueries = corpus.queries;
      queryVectors = corpus.vectors.queries;
      const withVectors = mode !== "bm25";
      const vectorField = { embedding: `vector[${corpus.vectors.dimension}]` } as const;
      database = create({
        schema: withVectors
          ? { id: "string", text: "string", ...vectorField }
          : { id: "string", text: "string" },
      });
      // Batches of 10,000 (Orama's insertMultiple batch size), each reported when written.
      for (let start = 0; start < corpus.documents.length; start += batchSize) {
        const batch = corpus.documents.slice(start, start + batchSize);
        await insertMultiple(
          database,
          batch.map((document, offset) => ({
            id: document.id,
            text: mode === "vectors" ? "" : indexedText(document),
            ...(withVectors
              ? { embedding: Array.from(corpus.vectors.documents[start + offset]!) }
              : {}),
          })),
          batchSize,
        );
        onProgress?.(start + batch.length);
      }
    },
    async search(queryIndex, topK) {
      const term = corpusQueries[queryIndex]!.text;
      const vector = { value: Array.from(queryVectors[queryIndex]!), property: "embedding" };
      const common = { limit: topK, includeVectors: false, similarity: 0 } as const;
      const results =
        mode === "bm25"
          ? await search(database!, { term, limit: topK })
          : mode === "vectors"
            ? await search(database!, { mode: "vector", vector, ...common })
            : await search(database!, { mode: "hybrid", term, vector, ...common });
      return results.hits.map((hit) => hit.id);
    },
  };
}

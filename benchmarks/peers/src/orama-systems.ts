import { type AnyOrama, create, insertMultiple, search } from "@orama/orama";
import { type Corpus, indexedText } from "./corpus.ts";
import type { PeerSystem } from "./peer-system.ts";

export type OramaMode = "bm25" | "vectors" | "hybrid";

/**
 * Orama (pure JavaScript): its BM25 full-text search, its vector search (exhaustive cosine over
 * the stored vectors) and its hybrid mode (both, weights 0.5 / 0.5). The similarity threshold is
 * set to 0 (default 0.8) so that it returns `limit` hits as the other engines do.
 */
export function oramaSystem(mode: OramaMode): PeerSystem {
  let database: AnyOrama | undefined;
  let corpusQueries: Corpus["queries"] = [];
  let queryVectors: readonly Float32Array[] = [];
  return {
    async build(corpus) {
      corpusQueries = corpus.queries;
      queryVectors = corpus.vectors.queries;
      const withVectors = mode !== "bm25";
      const vectorField = { embedding: `vector[${corpus.vectors.dimension}]` } as const;
      database = create({
        schema: withVectors
          ? { id: "string", text: "string", ...vectorField }
          : { id: "string", text: "string" },
      });
      await insertMultiple(
        database,
        corpus.documents.map((document, row) => ({
          id: document.id,
          text: mode === "vectors" ? "" : indexedText(document),
          ...(withVectors ? { embedding: Array.from(corpus.vectors.documents[row]!) } : {}),
        })),
        10_000,
      );
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

import type { ResolvedElasticsearchIndexOptions } from "./elasticsearch-options.ts";

/** The one analysed field: title and text joined by a space, as the embedded BM25 indexes them. */
export const contentField = "content";

/** The dense vector field, when the index has one (`dense` option). */
export const vectorField = "vector";

const similarityName = "hybrid_rag_bm25";

/**
 * Settings and mappings that make Elasticsearch score like the embedded BM25: the same
 * analyzer, BM25 with the same k1/b, and one shard so term statistics are global.
 * Metadata is a mapped object whose strings are `keyword` (exact `term` filters, lexicographic
 * ranges such as ISO dates) and whose numbers are `double`: integers (a first integer must not
 * fix the field to `long`) and floating-point values alike (dynamic mapping would make those
 * `float`, losing precision in filters). The dense vector's `index_options` are explicit. Equal scores are ordered by Lucene's internal document order, as in the
 * embedded BM25 (which breaks ties by insertion order for that reason).
 */
export function indexDefinition(options: ResolvedElasticsearchIndexOptions) {
  return {
    settings: {
      number_of_shards: options.shards,
      number_of_replicas: options.replicas,
      similarity: { [similarityName]: { type: "BM25" as const, k1: options.k1, b: options.b } },
    },
    mappings: {
      dynamic: "strict" as const,
      // The analysed copy is not needed in hits: keep it out of _source.
      _source: { excludes: [contentField, vectorField] },
      properties: {
        id: { type: "keyword" as const },
        // Stored for hits only: not searchable on their own (the content field is).
        title: { type: "text" as const, index: false },
        text: { type: "text" as const, index: false },
        [contentField]: {
          type: "text" as const,
          analyzer: options.analyzer,
          similarity: similarityName,
        },
        metadata: { type: "object" as const, dynamic: true },
        ...(options.dense
          ? {
              [vectorField]: {
                type: "dense_vector" as const,
                dims: options.dense.embedder.dimension,
                index: true,
                similarity: options.dense.similarity,
                index_options: options.dense.indexOptions,
              },
            }
          : {}),
      },
      date_detection: false,
      numeric_detection: false,
      dynamic_templates: [
        {
          metadata_strings: {
            path_match: "metadata.*",
            match_mapping_type: "string" as const,
            mapping: { type: "keyword" as const },
          },
        },
        {
          metadata_numbers: {
            path_match: "metadata.*",
            match_mapping_type: "long" as const,
            mapping: { type: "double" as const },
          },
        },
        {
          metadata_floats: {
            path_match: "metadata.*",
            match_mapping_type: "double" as const,
            mapping: { type: "double" as const },
          },
        },
      ],
    },
  };
}

import type { Hit } from "./hit.ts";
import type { MetadataFilter } from "./metadata-filter.ts";

/** Options of one `Retriever.retrieve` call: topK, metadata filter, abort signal, whether to attach documents. */
export interface RetrieveOptions {
  /** How many hits at most (1..10000). */
  readonly topK: number;
  /** Only documents whose metadata satisfies every condition. */
  readonly filter?: MetadataFilter;
  readonly signal?: AbortSignal;
  /** Attach the stored document to each hit (default true). */
  readonly includeDocuments?: boolean;
}

/**
 * Finds the documents that best match a text query.
 *
 * Contract (checked by `runRetrieverContract`): hits are ordered by descending score with
 * consecutive 1-based ranks; at most `topK`; an empty or whitespace-only query, an empty index
 * or a filter on a field no document has returns `[]`; invalid options and a fired signal reject
 * with a HybridRagError (`invalid-argument`, `aborted`/`timeout`); every hit carries
 * `sources[name]` with its rank and raw score.
 */
export interface Retriever {
  /** The source name used in provenance (`hit.sources[name]`), e.g. "bm25" or "dense". */
  readonly name: string;
  retrieve(query: string, options: RetrieveOptions): Promise<Hit[]>;
}

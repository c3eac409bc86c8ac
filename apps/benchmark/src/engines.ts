import type { Document, DocumentIndex, Hit, Reranker, Retriever } from "@hybrid-rag/core";

/** Something the benchmark built, with the exact settings it was built with (for the JSON). */
export interface Built<T> {
  readonly value: T;
  readonly configuration: Readonly<Record<string, unknown>>;
  close?(): Promise<void>;
}

export type IndexedRetriever = Retriever & DocumentIndex;

/** A composed pipeline: what the benchmark runs once per query. */
export interface RunnablePipeline {
  run(query: string): Promise<{
    readonly hits: readonly Hit[];
    /** Milliseconds per stage, as the pipeline measured them. */
    readonly timings: Readonly<Record<string, number>>;
    readonly warnings?: readonly string[];
  }>;
}

export interface PipelineParts {
  readonly retrievers: readonly Retriever[];
  readonly reranker?: Reranker;
  /** Hits per retriever and in the final list. */
  readonly topK: number;
  /** Candidates handed to the reranker. */
  readonly rerankTop: number;
  /**
   * Where the reranker's candidates find their page images (the pipeline's `pageImages: "add"`):
   * set for rows that rerank page images.
   */
  readonly pageImages?: { pageImagesOf(document: Document): readonly Document[] };
}

/**
 * Where the benchmark gets its engines. A factory that cannot build its engine (no model, server
 * down) throws a HybridRagError; every configuration needing it is then reported as skipped
 * with that message.
 */
export interface BenchmarkEngines {
  readonly backend: string;
  createSparse(): Promise<Built<IndexedRetriever>>;
  createDense(): Promise<Built<IndexedRetriever>>;
  createReranker(): Promise<Built<Reranker>>;
  createPipeline(parts: PipelineParts): Built<RunnablePipeline>;
}

import type { Analyzer } from "@hybrid-rag/bm25";
import {
  type Document,
  type DocumentIndex,
  type Fusion,
  type Hit,
  type Reranker,
  type Retriever,
  toHybridRagError,
} from "@hybrid-rag/core";
import { createPipeline, type PipelineStages } from "@hybrid-rag/pipeline";
import type { DemoImages } from "./page-thumbnails.ts";

export const stageNames = ["sparse", "dense", "fused", "reranked"] as const;
export type StageName = (typeof stageNames)[number];

/** A stage that is not configured: why, and what to set to turn it on. */
export interface StageOff {
  readonly reason: string;
  readonly howToEnable: string;
}

/** The parts of a search pipeline the demo shows; absent parts are listed in `off`. */
export interface DemoComponents {
  readonly sparse?: Retriever;
  readonly dense?: Retriever;
  readonly fusion: Fusion;
  readonly reranker?: Reranker;
  /** Where documents are written at ingest (the sparse and dense stores). */
  readonly indexes: readonly DocumentIndex[];
  /** One line per stage saying what runs it ("BM25, embedded, english analyzer"). */
  readonly descriptions: Readonly<Record<StageName, string>>;
  readonly off: Readonly<Partial<Record<StageName, StageOff>>>;
  /** The BM25 analyzer, which decides what the page highlights (the query's terms as BM25 matched them). */
  readonly analyzer: Analyzer;
  /** "Try:" queries drawn from the loaded documents (none: no buttons). */
  readonly examples?: readonly string[];
  /**
   * The collection's stored images (PDF page images, figures): what the hits' thumbnails show.
   * Absent: no thumbnails (the compose stack, or a collection without images).
   */
  readonly images?: DemoImages;
  /** Releases clients and sessions. */
  readonly close?: () => Promise<void>;
}

export interface StageResult {
  readonly stage: StageName;
  readonly status: "on" | "off" | "failed";
  readonly description: string;
  readonly hits: readonly Hit[];
  readonly durationMs: number;
  readonly error?: string;
  readonly off?: StageOff;
}

export interface SearchResponse {
  readonly query: string;
  readonly stages: readonly StageResult[];
  readonly totalMs: number;
}

export interface SearchOptions {
  /** Hits shown per list. */
  readonly topK?: number;
  /** Candidates each retriever returns and the reranker reads. */
  readonly candidates?: number;
  /** Stops the search (its retrievers and reranker) when the client goes away. */
  readonly signal?: AbortSignal;
}

/**
 * Runs each query through `@hybrid-rag/pipeline` with `includeStages` and turns its stages into
 * the page's four lists. The pipeline runs the retrievers in parallel, leaves a failing one out
 * ("continue") and returns the fused order when the reranker fails ("fallback"); the engine only
 * adds what the page shows besides: stages that are off, and descriptions.
 */
export class DemoEngine {
  readonly components: DemoComponents;

  constructor(components: DemoComponents) {
    this.components = components;
  }

  async ingest(documents: readonly Document[]): Promise<{ written: number; failed: number }> {
    let failed = 0;
    for (const index of this.components.indexes) {
      const report = await index.upsert(documents);
      failed += report.failed.length;
      for (const failure of report.failed.slice(0, 5)) {
        console.warn(`document ${failure.id} was not indexed: ${failure.error.message}`);
      }
    }
    return { written: documents.length, failed };
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    const topK = options.topK ?? 10;
    const candidates = Math.max(options.candidates ?? 50, topK);
    const started = performance.now();
    const stages = await this.#runPipeline(query, topK, candidates, options.signal);
    const shown = (result: StageResult) => ({ ...result, hits: result.hits.slice(0, topK) });
    return { query, stages: stages.map(shown), totalMs: performance.now() - started };
  }

  /** The retrieval stages that are on, in the page's order. */
  #retrievers(): Array<{ stage: StageName; retriever: Retriever }> {
    const { sparse, dense } = this.components;
    return [
      ...(sparse ? [{ stage: "sparse" as const, retriever: sparse }] : []),
      ...(dense ? [{ stage: "dense" as const, retriever: dense }] : []),
    ];
  }

  async #runPipeline(
    query: string,
    topK: number,
    candidates: number,
    signal: AbortSignal | undefined,
  ): Promise<StageResult[]> {
    const { fusion, reranker, images } = this.components;
    const retrievers = this.#retrievers();
    if (retrievers.length === 0) return stageNames.map((stage) => this.#offStage(stage));
    // Built per query because the page chooses topK and candidates per query; creating a
    // pipeline only validates its options.
    const pipeline = createPipeline({
      retrievers: retrievers.map(({ retriever }) => retriever),
      // Given even for one retriever, so a lone list still shows as fused (with its RRF score).
      fusion,
      ...(reranker ? { reranker } : {}),
      topK: { retrieve: candidates, fuse: candidates, final: topK },
      onSourceFailure: "continue",
      onRerankFailure: "fallback",
      // A reranker that looks at images also scores the stored page images of its candidates.
      ...(reranker?.accepts?.images && images
        ? { pageImages: "add" as const, pageImageSource: images }
        : {}),
    });
    let stages: PipelineStages;
    try {
      ({ stages } = await pipeline.run(query, {
        includeStages: true,
        ...(signal ? { signal } : {}),
      }));
    } catch (error) {
      // A search stopped for its caller is nobody's answer: the caller's error, not a failed stage.
      if (signal?.aborted) throw toHybridRagError(error, "search");
      // Every retriever failed, or the fusion did: each stage that is on shows the error.
      const message = toHybridRagError(error, "search").message;
      const on = new Set<StageName>([...retrievers.map(({ stage }) => stage), "fused"]);
      if (reranker) on.add("reranked");
      return stageNames.map((stage) =>
        on.has(stage) ? this.#failed(stage, message, 0) : this.#offStage(stage),
      );
    }
    const results = new Map<StageName, StageResult>();
    retrievers.forEach(({ stage }, index) => {
      const list = stages.retrievers[index]!;
      results.set(
        stage,
        list.status === "ok"
          ? this.#on(stage, list.hits, list.durationMs)
          : this.#failed(stage, list.error ?? "failed", list.durationMs),
      );
    });
    if (stages.fused)
      results.set("fused", this.#on("fused", stages.fused.hits, stages.fused.durationMs));
    const reranked = stages.reranked;
    if (reranked) {
      results.set(
        "reranked",
        reranked.status === "ok"
          ? this.#on("reranked", reranked.hits, reranked.durationMs)
          : this.#failed("reranked", reranked.error ?? "failed", reranked.durationMs),
      );
    }
    return stageNames.map((stage) => results.get(stage) ?? this.#offStage(stage));
  }

  #on(stage: StageName, hits: readonly Hit[], durationMs: number): StageResult {
    return {
      stage,
      status: "on",
      description: this.components.descriptions[stage],
      hits,
      durationMs,
    };
  }

  #failed(stage: StageName, error: string, durationMs: number): StageResult {
    return {
      stage,
      status: "failed",
      description: this.components.descriptions[stage],
      hits: [],
      durationMs,
      error,
    };
  }

  #offStage(stage: StageName): StageResult {
    const off = this.components.off[stage] ?? {
      reason: "no input",
      howToEnable: "turn on the sparse or dense stage",
    };
    return {
      stage,
      status: "off",
      description: this.components.descriptions[stage],
      hits: [],
      durationMs: 0,
      off,
    };
  }
}

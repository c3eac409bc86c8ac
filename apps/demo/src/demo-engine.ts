import {
  type Document,
  type DocumentIndex,
  type Fusion,
  type Hit,
  type RankedList,
  type Reranker,
  type Retriever,
  toHybridRagError,
} from "@hybrid-rag/core";

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
}

/**
 * Runs the stages one query goes through and keeps every intermediate list, so the page can
 * show why each hit is where it is. Retrievers run in parallel; a failing stage is reported, and
 * the later stages go on without it.
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
    const [sparse, dense] = await Promise.all([
      this.#retrieve("sparse", this.components.sparse, query, candidates),
      this.#retrieve("dense", this.components.dense, query, candidates),
    ]);
    const lists: RankedList[] = [sparse, dense]
      .filter((result) => result.status !== "off")
      .map((result) => ({
        source: result.stage,
        hits: result.hits,
        ...(result.error ? { error: new Error(result.error) } : {}),
      }));
    const fused = this.#fuse(lists, candidates);
    const reranked = await this.#rerank(query, fused, topK);
    const shown = (result: StageResult) => ({ ...result, hits: result.hits.slice(0, topK) });
    return {
      query,
      stages: [sparse, dense, fused, reranked].map(shown),
      totalMs: performance.now() - started,
    };
  }

  async #retrieve(
    stage: StageName,
    retriever: Retriever | undefined,
    query: string,
    topK: number,
  ): Promise<StageResult> {
    if (!retriever) return this.#offStage(stage);
    return this.#timed(stage, () => retriever.retrieve(query, { topK }));
  }

  #fuse(lists: readonly RankedList[], topK: number): StageResult {
    const started = performance.now();
    const description = this.components.descriptions.fused;
    if (lists.length === 0) return this.#offStage("fused");
    try {
      const hits = this.components.fusion.fuse(lists, { topK });
      return {
        stage: "fused",
        status: "on",
        description,
        hits,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      return this.#failed("fused", error, started);
    }
  }

  async #rerank(query: string, fused: StageResult, topK: number): Promise<StageResult> {
    const reranker = this.components.reranker;
    if (!reranker) return this.#offStage("reranked");
    if (fused.status !== "on") {
      return {
        stage: "reranked",
        status: "failed",
        description: this.components.descriptions.reranked,
        hits: [],
        durationMs: 0,
        error: "nothing to rerank: the fused list is empty or failed",
      };
    }
    return this.#timed("reranked", () => reranker.rerank(query, fused.hits, { topN: topK }));
  }

  async #timed(stage: StageName, run: () => Promise<Hit[]>): Promise<StageResult> {
    const started = performance.now();
    try {
      const hits = await run();
      return {
        stage,
        status: "on",
        description: this.components.descriptions[stage],
        hits,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      return this.#failed(stage, error, started);
    }
  }

  #failed(stage: StageName, error: unknown, started: number): StageResult {
    return {
      stage,
      status: "failed",
      description: this.components.descriptions[stage],
      hits: [],
      durationMs: performance.now() - started,
      error: toHybridRagError(error, stage).message,
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

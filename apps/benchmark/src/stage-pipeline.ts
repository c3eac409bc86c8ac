import { performance } from "node:perf_hooks";
import type { Fusion, Hit, RankedList, Reranker, Retriever } from "@hybrid-rag/core";
import type { RunnablePipeline } from "./engines.ts";

export interface StagePipelineParts {
  readonly retrievers: readonly Retriever[];
  readonly fusion: Fusion;
  readonly reranker?: Reranker;
  readonly topK: number;
  readonly rerankTop: number;
}

/**
 * retrieve (in parallel) → fuse (when more than one retriever) → rerank, timing each stage.
 * Timing keys: `retrieve:<name>` per retriever, `retrieve` (the parallel stage), `fuse`, `rerank`.
 */
export function stagePipeline(parts: StagePipelineParts): RunnablePipeline {
  return {
    async run(query) {
      const timings: Record<string, number> = {};
      const retrieveStart = performance.now();
      const lists: RankedList[] = await Promise.all(
        parts.retrievers.map(async (retriever) => {
          const started = performance.now();
          const hits = await retriever.retrieve(query, { topK: parts.topK });
          timings[`retrieve:${retriever.name}`] = performance.now() - started;
          return { source: retriever.name, hits };
        }),
      );
      timings.retrieve = performance.now() - retrieveStart;
      let hits: Hit[];
      if (lists.length === 1) {
        hits = [...(lists[0]?.hits ?? [])];
      } else {
        const fuseStart = performance.now();
        hits = parts.fusion.fuse(lists, { topK: parts.topK });
        timings.fuse = performance.now() - fuseStart;
      }
      if (parts.reranker) {
        const rerankStart = performance.now();
        const candidates = hits.slice(0, parts.rerankTop);
        const reranked = await parts.reranker.rerank(query, candidates, { topN: parts.topK });
        timings.rerank = performance.now() - rerankStart;
        hits = reranked;
      }
      return { hits, timings };
    },
  };
}

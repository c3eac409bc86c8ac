import { englishAnalyzer } from "@hybrid-rag/bm25";
import type { DocumentIndex, Reranker, Retriever } from "@hybrid-rag/core";
import type { DemoConfig } from "./demo-config.ts";
import type { DemoComponents, StageName, StageOff } from "./demo-engine.ts";
import { buildDenseStage } from "./dense-stage.ts";
import { buildFusion } from "./fusion-stage.ts";
import { buildRerankStage } from "./rerank-stage.ts";
import { buildSparseStage } from "./sparse-stage.ts";

/** One built stage: the component, or why it is off. */
export type BuiltStage<T> =
  | { readonly component: T; readonly description: string; readonly close?: () => Promise<void> }
  | { readonly off: StageOff; readonly description: string };

export type RetrieverStage = BuiltStage<Retriever & DocumentIndex>;

/**
 * Chooses each stage's engine from the configuration, for the compose stack (a server URL is
 * set): each start fills fresh indexes. The embedded engines open a collection instead
 * (`openCollectionComponents`).
 */
export async function buildDemoComponents(config: DemoConfig): Promise<DemoComponents> {
  const [sparse, dense, reranked] = await Promise.all([
    buildSparseStage(config),
    buildDenseStage(config),
    buildRerankStage(config),
  ]);
  const { fusion, description: fused } = buildFusion(config.spec.fusion);
  const off: Partial<Record<StageName, StageOff>> = {};
  if ("off" in sparse) off.sparse = sparse.off;
  if ("off" in dense) off.dense = dense.off;
  if ("off" in reranked) off.reranked = reranked.off;
  const stages: Array<BuiltStage<unknown>> = [sparse, dense, reranked];
  return {
    ...("component" in sparse ? { sparse: sparse.component } : {}),
    ...("component" in dense ? { dense: dense.component } : {}),
    ...("component" in reranked ? { reranker: reranked.component as Reranker } : {}),
    fusion,
    indexes: [sparse, dense].flatMap((stage) => ("component" in stage ? [stage.component] : [])),
    descriptions: {
      sparse: sparse.description,
      dense: dense.description,
      fused,
      reranked: reranked.description,
    },
    off,
    // Both the embedded BM25 built here and Elasticsearch's index use the english analyzer.
    analyzer: englishAnalyzer,
    async close() {
      await Promise.all(stages.map((stage) => ("close" in stage ? stage.close?.() : undefined)));
    },
  };
}

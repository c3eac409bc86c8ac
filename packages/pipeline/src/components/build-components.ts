import type { Fusion } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import { createFusion } from "@hybrid-rag/fusion";
import { createPipeline, type Pipeline } from "../create-pipeline.ts";
import { type PipelineSpec, parsePipelineSpec } from "../pipeline-spec.ts";
import type { BuildComponentsOptions } from "./build-options.ts";
import type { BuiltEmbedder } from "./built-embedder.ts";
import { buildEmbedder } from "./embedder-kinds.ts";
import { type BuiltReranker, buildReranker } from "./reranker-kinds.ts";
import {
  type BuiltRetriever,
  buildDenseRetriever,
  buildSparseRetriever,
  type IndexRetriever,
} from "./retriever-engines.ts";

/** Everything a spec names, built; `release()` ends every model and client in it. */
export interface PipelineComponents {
  readonly spec: PipelineSpec;
  readonly sparse?: BuiltRetriever;
  readonly dense?: BuiltRetriever;
  readonly embedder?: BuiltEmbedder;
  readonly reranker?: BuiltReranker;
  readonly fusion: Fusion;
  /** The retrievers, sparse first, as the pipeline runs them. */
  readonly retrievers: readonly IndexRetriever[];
  release(): Promise<void>;
}

/**
 * The one place a spec becomes components: the retrievers (embedded or on servers), the
 * embedder and reranker its model names stand for, and its fusion. Every app builds through
 * this; each engine's and model kind's package is imported only when the spec uses it. A part
 * that fails to build releases the parts already built.
 */
export async function buildComponents(
  specInput: unknown,
  options: BuildComponentsOptions = {},
): Promise<PipelineComponents> {
  const spec = parsePipelineSpec(specInput);
  if (spec.dense && !spec.embedder) {
    throw new HybridRagError(
      "invalid-argument",
      "The spec has a dense retriever but no embedder: add embedder.model (e.g. --embedding-model use-lite) or leave dense out.",
    );
  }
  const fusion = createFusion(spec.fusion);
  const context = { executionProvider: spec.executionProvider, options };
  const built: Array<{ release(): Promise<void> }> = [];
  const keep = <T extends { release(): Promise<void> }>(part: T): T => {
    built.push(part);
    return part;
  };
  const release = async () => {
    await Promise.all(built.map((part) => part.release()));
  };
  try {
    const embedder = spec.embedder ? keep(await buildEmbedder(spec.embedder, context)) : undefined;
    const sparse = spec.sparse ? keep(await buildSparseRetriever(spec.sparse, options)) : undefined;
    const dense =
      spec.dense && embedder && spec.embedder
        ? keep(
            await buildDenseRetriever(
              spec.dense,
              embedder.embedder,
              spec.embedder.embedBatchSize,
              options,
            ),
          )
        : undefined;
    const reranker = spec.reranker ? keep(await buildReranker(spec.reranker, context)) : undefined;
    return {
      spec,
      ...(sparse ? { sparse } : {}),
      ...(dense ? { dense } : {}),
      ...(embedder ? { embedder } : {}),
      ...(reranker ? { reranker } : {}),
      fusion,
      retrievers: [sparse, dense].flatMap((part) => (part ? [part.retriever] : [])),
      release,
    };
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
}

/** A spec's pipeline, ready to run, with the components it was built from. */
export interface BuiltPipeline {
  readonly pipeline: Pipeline;
  readonly components: PipelineComponents;
}

/** Builds the spec's components and the pipeline over them (its topK, timeouts and policies). */
export async function buildPipeline(
  specInput: unknown,
  options: BuildComponentsOptions = {},
): Promise<BuiltPipeline> {
  const components = await buildComponents(specInput, options);
  const { spec } = components;
  if (components.retrievers.length === 0) {
    await components.release();
    throw new HybridRagError(
      "invalid-argument",
      'The spec names no retriever: add sparse (e.g. { "engine": "bm25" }) and/or dense with an embedder.',
    );
  }
  try {
    const pipeline = createPipeline({
      retrievers: components.retrievers,
      // One retriever's hits pass as they are; fusion is for two or more lists.
      ...(components.retrievers.length > 1 ? { fusion: components.fusion } : {}),
      ...(components.reranker ? { reranker: components.reranker.reranker } : {}),
      ...(spec.topK ? { topK: spec.topK } : {}),
      ...(spec.timeouts ? { timeouts: spec.timeouts } : {}),
      ...(spec.onSourceFailure ? { onSourceFailure: spec.onSourceFailure } : {}),
      ...(spec.onRerankFailure ? { onRerankFailure: spec.onRerankFailure } : {}),
      ...(spec.pageImages ? { pageImages: spec.pageImages } : {}),
      ...(spec.maxPageImages ? { maxPageImages: spec.maxPageImages } : {}),
      ...(options.pageImageSource ? { pageImageSource: options.pageImageSource } : {}),
    });
    return { pipeline, components };
  } catch (error) {
    await components.release();
    throw error;
  }
}

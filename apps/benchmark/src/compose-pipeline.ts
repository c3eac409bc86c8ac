import type { Fusion } from "@hybrid-rag/core";
import { createPipeline } from "@hybrid-rag/pipeline";
import type { Built, PipelineParts, RunnablePipeline } from "./engines.ts";

/**
 * The benchmark's pipelines are @hybrid-rag/pipeline's, set so nothing is hidden: a failing
 * retriever or reranker fails the query (no silent fallback), and the final list is top-k deep.
 */
export function composePipeline(
  parts: PipelineParts,
  fusion: { readonly value: Fusion; readonly configuration: unknown },
): Built<RunnablePipeline> {
  const fused = parts.retrievers.length > 1;
  const rerankTop = Math.min(parts.rerankTop, parts.topK);
  const pipeline = createPipeline({
    retrievers: parts.retrievers,
    ...(fused ? { fusion: fusion.value } : {}),
    ...(parts.reranker ? { reranker: parts.reranker } : {}),
    topK: {
      retrieve: parts.topK,
      fuse: parts.topK,
      ...(parts.reranker ? { rerank: rerankTop } : {}),
      final: parts.reranker ? rerankTop : parts.topK,
    },
    onSourceFailure: "fail",
    onRerankFailure: "fail",
    // The candidates' page images join what the (image-aware) reranker scores.
    ...(parts.pageImages ? { pageImages: "add" as const, pageImageSource: parts.pageImages } : {}),
  });
  return {
    value: pipeline,
    configuration: {
      retrievers: parts.retrievers.map((retriever) => retriever.name),
      fusion: fused ? fusion.configuration : null,
      reranker: parts.reranker?.name ?? null,
      topK: parts.topK,
      rerankTop: parts.reranker ? rerankTop : null,
      ...(parts.pageImages ? { pageImages: "add" } : {}),
    },
  };
}

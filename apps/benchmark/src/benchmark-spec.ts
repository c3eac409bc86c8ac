import { readFile } from "node:fs/promises";
import { HybridRagError, parseWithSchema, toHybridRagError } from "@hybrid-rag/core";
import { type PipelineSpec, pipelineSpecSchema } from "@hybrid-rag/pipeline";
import { z } from "zod";
import type { BenchmarkRequest } from "./cli-options.ts";

/**
 * The pipeline spec plus what only a benchmark run has (dataset, split, configurations). This
 * is what `results.json` records as `spec`, what `--print-spec` prints, and what `--spec`
 * reads back (a spec file, or a `results.json`): the same spec rebuilds the same run.
 */
export const benchmarkSpecSchema = pipelineSpecSchema.extend({
  benchmark: z.strictObject({
    dataset: z.string().min(1),
    split: z.string().min(1).default("test"),
    pipelines: z.string().min(1),
    backend: z.enum(["embedded", "servers"]).default("embedded"),
    maxQueries: z.number().int().min(1).optional(),
    embeddingCache: z.union([z.string().min(1), z.literal(false)]).optional(),
    tuneFusion: z.boolean().default(false),
    tuneMetric: z.string().default("ndcg@10"),
    rerankDepths: z.array(z.number().int().min(0).max(10_000)).optional(),
    rerankBudgetMs: z.number().gt(0).optional(),
  }),
});

export type BenchmarkSpec = z.output<typeof benchmarkSpecSchema>;

/** The spec of a parsed command line: every setting that decides the results, nothing else. */
export function specOfRequest(request: BenchmarkRequest): BenchmarkSpec {
  const { options, engineSettings: engines } = request;
  const bm25 = { analyzer: engines.analyzer, k1: engines.k1, b: engines.b };
  const spec: z.input<typeof benchmarkSpecSchema> = {
    version: 1,
    sparse:
      options.backend === "servers"
        ? { engine: "elasticsearch", ...url(engines.elasticsearchUrl), ...bm25 }
        : { engine: "bm25", ...bm25 },
    dense:
      options.backend === "servers"
        ? { engine: "qdrant", ...url(engines.qdrantUrl), metric: "cosine" }
        : { engine: "vector-index", metric: "cosine" },
    embedder: {
      model: engines.embeddingModel,
      api: engines.embeddingApi,
      ...(engines.embeddingEndpointModel ? { endpointModel: engines.embeddingEndpointModel } : {}),
      ...(engines.embeddingDimension ? { dimension: engines.embeddingDimension } : {}),
      prefixes: engines.embeddingPrefixes,
    },
    reranker: {
      model: engines.rerankerModel,
      api: engines.rerankerApi,
      ...(engines.rerankerEndpointModel ? { endpointModel: engines.rerankerEndpointModel } : {}),
    },
    executionProvider: engines.executionProvider,
    fusion: engines.fusion,
    topK: { retrieve: options.topK, rerank: request.rerankTop, final: options.topK },
    benchmark: {
      dataset: options.dataset,
      split: options.split,
      pipelines: request.pipelines.map((pipeline) => pipeline.name).join(","),
      backend: options.backend,
      ...(options.maxQueries ? { maxQueries: options.maxQueries } : {}),
      ...(options.embeddingCache === false ? { embeddingCache: false as const } : {}),
      ...(typeof options.embeddingCache === "string"
        ? { embeddingCache: options.embeddingCache }
        : {}),
      tuneFusion: options.tuneFusion,
      tuneMetric: options.tuneMetric,
      ...(options.rerankDepths ? { rerankDepths: options.rerankDepths } : {}),
      ...(options.rerankBudgetMs !== undefined ? { rerankBudgetMs: options.rerankBudgetMs } : {}),
    },
  };
  return parseWithSchema(benchmarkSpecSchema, spec, "benchmark spec");
}

/**
 * The command-line values a spec stands for (as commander names them): what `--spec` puts
 * under the flags given on the command line, which override it. Settings the benchmark cannot
 * honour are refused rather than ignored.
 */
export function optionsOfSpec(spec: BenchmarkSpec): Record<string, unknown> {
  refuseWhatTheBenchmarkCannotDo(spec);
  const { sparse, dense, embedder, reranker, benchmark, topK } = spec;
  const { method, k, normalizer, weights, ...rest } = spec.fusion as {
    method: string;
    k?: number;
    normalizer?: string;
    weights?: Record<string, number>;
  };
  if (Object.keys(rest).length > 0) {
    unsupported(`fusion.${Object.keys(rest)[0]}`, "set only method, k, normalizer and weights");
  }
  return {
    dataset: benchmark.dataset,
    split: benchmark.split,
    pipelines: benchmark.pipelines,
    backend: benchmark.backend,
    ...(benchmark.maxQueries ? { maxQueries: String(benchmark.maxQueries) } : {}),
    ...(benchmark.embeddingCache === undefined ? {} : { embeddingCache: benchmark.embeddingCache }),
    tuneFusion: benchmark.tuneFusion,
    tuneMetric: benchmark.tuneMetric,
    ...(benchmark.rerankDepths ? { rerankDepths: benchmark.rerankDepths.join(",") } : {}),
    ...(benchmark.rerankBudgetMs ? { rerankBudgetMs: String(benchmark.rerankBudgetMs) } : {}),
    ...(sparse ? { analyzer: sparse.analyzer, k1: String(sparse.k1), b: String(sparse.b) } : {}),
    ...(sparse?.engine === "elasticsearch" && sparse.url ? { elasticsearchUrl: sparse.url } : {}),
    ...(dense?.engine === "qdrant" && dense.url ? { qdrantUrl: dense.url } : {}),
    ...(embedder
      ? {
          embeddingModel: embedder.model,
          embeddingApi: embedder.api,
          ...(embedder.endpointModel ? { embeddingEndpointModel: embedder.endpointModel } : {}),
          ...(embedder.dimension ? { embeddingDimension: String(embedder.dimension) } : {}),
          ...(embedder.prefixes ? { embeddingPrefixes: embedder.prefixes } : {}),
        }
      : { embeddingModel: "none" }),
    ...(reranker
      ? {
          rerankerModel: reranker.model,
          rerankerApi: reranker.api,
          ...(reranker.endpointModel ? { rerankerEndpointModel: reranker.endpointModel } : {}),
        }
      : { rerankerModel: "none" }),
    executionProvider: spec.executionProvider,
    fusion: method,
    ...(k === undefined ? {} : { rrfK: String(k) }),
    ...(normalizer === undefined ? {} : { normalizer }),
    ...(weights
      ? {
          fusionWeights: Object.entries(weights)
            .map(([name, weight]) => `${name}=${weight}`)
            .join(","),
        }
      : {}),
    ...(topK?.retrieve ? { topK: String(topK.retrieve) } : {}),
    ...(topK?.rerank ? { rerankTop: String(topK.rerank) } : {}),
  };
}

/** Reads `--spec`: a benchmark spec, or a `results.json` whose `spec` is one. */
export async function readBenchmarkSpec(path: string): Promise<BenchmarkSpec> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw toHybridRagError(error, `--spec ${path}: not a readable JSON file`);
  }
  const spec =
    typeof value === "object" && value !== null && "spec" in value
      ? (value as { spec: unknown }).spec
      : value;
  return parseWithSchema(benchmarkSpecSchema, spec, `--spec ${path}`);
}

function refuseWhatTheBenchmarkCannotDo(spec: PipelineSpec): void {
  const { sparse, dense, topK } = spec;
  if (sparse?.engine === "elasticsearch" && sparse.index !== undefined)
    unsupported(
      "sparse.index",
      "the benchmark owns its index (hybrid-rag-bench-bm25): leave it out",
    );
  if (dense?.engine === "qdrant" && dense.collection !== undefined)
    unsupported("dense.collection", "the benchmark owns its collection: leave it out");
  if (dense && dense.metric !== "cosine") unsupported("dense.metric", 'use "cosine"');
  if (spec.embedder && spec.embedder.embedBatchSize !== 64)
    unsupported("embedder.embedBatchSize", "leave it at 64");
  if (spec.chunking) unsupported("chunking", "BEIR documents are indexed whole: leave it out");
  if (spec.timeouts || spec.onSourceFailure || spec.onRerankFailure)
    unsupported("timeouts / failure policies", "the benchmark fails a configuration on any error");
  if (topK?.fuse !== undefined && topK.fuse !== topK.retrieve)
    unsupported("topK.fuse", "the benchmark keeps topK.retrieve hits after fusion");
  if (topK?.final !== undefined && topK.final !== topK.retrieve)
    unsupported("topK.final", "the benchmark returns topK.retrieve hits");
}

function unsupported(field: string, fix: string): never {
  throw new HybridRagError(
    "invalid-argument",
    `--spec: ${field} is a pipeline setting the benchmark does not apply; ${fix}.`,
  );
}

function url(value: string | undefined): { url?: string } {
  return value ? { url: value } : {};
}

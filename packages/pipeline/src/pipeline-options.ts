import {
  type Fusion,
  HybridRagError,
  parseWithSchema,
  type Reranker,
  type Retriever,
} from "@hybrid-rag/core";
import { z } from "zod";
import { defaultMaxPageImages, type PageImageSource } from "./page-images.ts";
import {
  type PipelineSettings,
  pipelineSettingsShape,
  type SourceFailurePolicy,
} from "./pipeline-settings.ts";
import {
  type RerankCostOptions,
  type RerankPlan,
  type ResolvedRerankPlan,
  rerankCostSchema,
  rerankPlanSchema,
  resolveRerankPlan,
  scoreCacheSchema,
} from "./rerank-plan-options.ts";
import { RerankScoreCache } from "./rerank-score-cache.ts";

export interface PipelineOptions extends PipelineSettings {
  /** Run in parallel; each one's `name` is its source name in provenance. */
  readonly retrievers: readonly Retriever[];
  /** Combines the retrievers' lists (default with two or more: reciprocalRankFusion(), k = 60). */
  readonly fusion?: Fusion;
  readonly reranker?: Reranker;
  /** Rerank a fixed depth, or as deep as a latency budget affords (default: depth topK.rerank). */
  readonly rerank?: RerankPlan;
  /** Reuse reranker scores of (model, query, passage) pairs seen before: an LRU of maxEntries. */
  readonly scoreCache?: { readonly maxEntries: number } | RerankScoreCache;
  /** Token counting and cost-curve key for the latency-budget cost model. */
  readonly rerankCost?: RerankCostOptions;
  /** Where `pageImages: "add"` finds the page images (a collection that stores them). */
  readonly pageImageSource?: PageImageSource;
}

/** The options with every default applied. */
export interface ResolvedPipelineOptions {
  readonly retrievers: readonly Retriever[];
  readonly fusion: Fusion | undefined;
  readonly reranker: Reranker | undefined;
  readonly topK: { retrieve: number; fuse: number; rerank: number; final: number };
  readonly timeouts: { retrieve?: number; rerank?: number; total?: number };
  readonly policyFor: (source: string) => SourceFailurePolicy;
  readonly onRerankFailure: "fail" | "fallback";
  readonly rerankPlan: ResolvedRerankPlan;
  readonly scoreCache: RerankScoreCache | undefined;
  readonly rerankCost: RerankCostOptions;
  /** Set with `pageImages: "add"`: where the images come from and how many one query adds. */
  readonly pageImages: { readonly source: PageImageSource; readonly max: number } | undefined;
}

const hasMethod = (method: string) => (value: unknown) =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Record<string, unknown>)[method] === "function";

const optionsSchema = z.strictObject({
  retrievers: z
    .array(
      z.custom<Retriever>(
        (value) => hasMethod("retrieve")(value) && typeof (value as Retriever).name === "string",
        "each retriever needs a name and a retrieve(query, options) method",
      ),
      { error: "retrievers must be an array" },
    )
    .min(1, "a pipeline needs at least one retriever"),
  fusion: z.custom<Fusion>(hasMethod("fuse"), "fusion needs a fuse(lists) method").optional(),
  reranker: z
    .custom<Reranker>(hasMethod("rerank"), "reranker needs a rerank(query, hits) method")
    .optional(),
  ...pipelineSettingsShape,
  rerank: rerankPlanSchema.optional(),
  scoreCache: scoreCacheSchema.optional(),
  rerankCost: rerankCostSchema.optional(),
  pageImageSource: z
    .custom<PageImageSource>(
      hasMethod("pageImagesOf"),
      "pageImageSource needs a pageImagesOf(document) method (a collection that stores page images)",
    )
    .optional(),
});

/** Validates pipeline options and applies the defaults (retrieve 100, fuse 100, rerank 100, final 10). */
export function resolvePipelineOptions(options: PipelineOptions): ResolvedPipelineOptions {
  const parsed = parseWithSchema(optionsSchema, options, "pipeline options");
  const names = parsed.retrievers.map((retriever) => retriever.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    fail(`two retrievers are named "${repeated}"; each needs its own name (it keys provenance).`);
  }
  const retrieve = parsed.topK?.retrieve ?? 100;
  const fuse = parsed.topK?.fuse ?? retrieve;
  const rerank = parsed.topK?.rerank ?? fuse;
  const final = parsed.topK?.final ?? Math.min(10, parsed.reranker ? rerank : fuse);
  if (parsed.reranker === undefined && parsed.topK?.rerank !== undefined) {
    fail("topK.rerank is set but there is no reranker; add one or remove topK.rerank.");
  }
  if (parsed.reranker !== undefined && rerank > fuse) {
    fail(
      `topK.rerank (${rerank}) exceeds topK.fuse (${fuse}): the reranker only gets ${fuse} candidates.`,
    );
  }
  const limit = parsed.reranker ? rerank : fuse;
  if (final > limit) {
    const stage = parsed.reranker ? "topK.rerank" : "topK.fuse";
    fail(`topK.final (${final}) exceeds ${stage} (${limit}); raise ${stage} or lower topK.final.`);
  }
  if (parsed.reranker === undefined) {
    const unused = (["rerank", "scoreCache", "rerankCost"] as const).filter(
      (key) => parsed[key] !== undefined,
    );
    if (unused.length > 0) {
      fail(
        `${unused.join(", ")} set but there is no reranker; add one or remove ${unused.join(", ")}.`,
      );
    }
  }
  const pageImages = resolvePageImages(parsed);
  const rerankPlan = resolveRerankPlan(parsed.rerank, { rerank, final });
  if (typeof rerankPlan === "string") fail(rerankPlan);
  const scoreCache =
    parsed.scoreCache === undefined || parsed.scoreCache instanceof RerankScoreCache
      ? parsed.scoreCache
      : new RerankScoreCache((parsed.scoreCache as { maxEntries: number }).maxEntries);
  const policies = parsed.onSourceFailure ?? "fail";
  if (typeof policies === "object") {
    const unknown = Object.keys(policies).filter((name) => !names.includes(name));
    if (unknown.length > 0) {
      fail(
        `onSourceFailure names unknown retriever${unknown.length > 1 ? "s" : ""} ${quoteAll(unknown)}; the retrievers are ${quoteAll(names)}.`,
      );
    }
  }
  return {
    retrievers: parsed.retrievers,
    fusion: parsed.fusion,
    reranker: parsed.reranker,
    topK: { retrieve, fuse, rerank, final },
    timeouts: parsed.timeouts ?? {},
    policyFor: (source) => (typeof policies === "string" ? policies : (policies[source] ?? "fail")),
    onRerankFailure: parsed.onRerankFailure ?? "fallback",
    rerankPlan,
    scoreCache,
    rerankCost: parsed.rerankCost ?? {},
    pageImages,
  };
}

/**
 * `pageImages: "add"` checked where the pipeline is built, not at the first query: it needs an
 * image-aware reranker and a source of page images.
 */
function resolvePageImages(
  parsed: Pick<PipelineOptions, "pageImages" | "maxPageImages" | "pageImageSource" | "reranker">,
): ResolvedPipelineOptions["pageImages"] {
  if (parsed.pageImages !== "add") {
    if (parsed.maxPageImages !== undefined) {
      fail('maxPageImages is set but pageImages is not "add"; set pageImages: "add" or remove it.');
    }
    return undefined;
  }
  const { reranker, pageImageSource } = parsed;
  if (reranker === undefined) {
    fail(
      'pageImages "add" adds page images to the reranker\'s candidates, and there is no reranker: add an image-aware reranker (a VLM reranker) or set pageImages "off".',
    );
  }
  if (reranker.accepts?.images !== true) {
    fail(
      `pageImages "add" needs a reranker that looks at images, and "${reranker.name}" is text-only (no accepts.images): use a VLM reranker (e.g. NIM's llama-nemotron-rerank-vl or an in-process VLM family) or set pageImages "off".`,
    );
  }
  if (pageImageSource === undefined) {
    fail(
      'pageImages "add" needs pageImageSource: the collection that stores the page images (ingest PDFs with page images on, then pass the collection).',
    );
  }
  return { source: pageImageSource, max: parsed.maxPageImages ?? defaultMaxPageImages };
}

function fail(message: string): never {
  throw new HybridRagError("invalid-argument", `Invalid pipeline options: ${message}`);
}

export function quoteAll(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}

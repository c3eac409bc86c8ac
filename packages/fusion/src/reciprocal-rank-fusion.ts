import { type Fusion, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { type CommonFusionOptions, commonFusionOptionsShape } from "./fusion-options.ts";
import type { PreparedList } from "./prepare-lists.ts";
import { scoredFusion } from "./scored-fusion.ts";

/**
 * - `paper` (Cormack et al. 2009): Σ w / (k + rank), 1-based ranks, float64.
 * - `elasticsearch`: the `rrf` retriever, Σ w · (1 / (rank_constant + rank)) in Java floats.
 * - `qdrant`: Σ 1 / ((position + 1) / w + k − 1) with 0-based positions, in Rust f32
 *   (Qdrant's server default is k = 2; Qdrant k = 61 ranks like paper k = 60).
 */
export type RrfFlavour = "paper" | "elasticsearch" | "qdrant";

export interface ReciprocalRankFusionOptions extends CommonFusionOptions {
  /** Rank constant: default 60 (paper, elasticsearch) or 2 (qdrant); > 0, a whole number ≥ 1 for the server flavours. */
  readonly k?: number;
  readonly flavour?: RrfFlavour;
}

export const reciprocalRankFusionOptionsSchema = z
  .strictObject({
    ...commonFusionOptionsShape,
    k: z
      .number({ error: "k must be a finite number" })
      .gt(0, "k must be greater than 0 (the paper uses 60)")
      .optional(),
    flavour: z
      .enum(["paper", "elasticsearch", "qdrant"], {
        error: 'flavour must be "paper", "elasticsearch" or "qdrant"',
      })
      .optional(),
  })
  .refine(
    (options) =>
      (options.flavour ?? "paper") === "paper" ||
      options.k === undefined ||
      (Number.isInteger(options.k) && options.k >= 1),
    {
      path: ["k"],
      message: "k must be a whole number ≥ 1 for the elasticsearch and qdrant flavours",
    },
  );

/** Reciprocal rank fusion: uses ranks only, so any monotone change of a source's scores changes nothing. */
export function reciprocalRankFusion(options: ReciprocalRankFusionOptions = {}): Fusion {
  const parsed = parseWithSchema(
    reciprocalRankFusionOptionsSchema,
    options,
    "reciprocal rank fusion options",
  );
  const flavour = parsed.flavour ?? "paper";
  const k = parsed.k ?? (flavour === "qdrant" ? 2 : 60);
  const name = flavour === "paper" ? "rrf" : `rrf:${flavour}`;
  const scoreList = listScorers[flavour](k);
  return scoredFusion({
    name,
    options: parsed,
    combine: "sum",
    round: flavour === "paper" ? undefined : Math.fround,
    // Elasticsearch also keeps at most rank_window_size fused hits.
    outputLimit: flavour === "elasticsearch" ? parsed.rankWindow : undefined,
    scoreList,
  });
}

type ListScorer = (list: PreparedList) => { contributions: number[] };

const listScorers: Record<RrfFlavour, (k: number) => ListScorer> = {
  paper: (k) => (list) => ({
    contributions: list.hits.map((_, position) => list.weight / (k + position + 1)),
  }),
  elasticsearch: (k) => (list) => {
    const weight = Math.fround(list.weight);
    return {
      contributions: list.hits.map((_, position) =>
        Math.fround(weight * Math.fround(1 / (k + position + 1))),
      ),
    };
  },
  qdrant: (k) => (list) => {
    const weight = Math.fround(list.weight);
    return {
      contributions: list.hits.map((_, position) =>
        // Qdrant treats a weight of 0 (or less) as no contribution instead of dividing by it.
        weight <= 0
          ? 0
          : Math.fround(1 / Math.fround(Math.fround(Math.fround((position + 1) / weight) + k) - 1)),
      ),
    };
  },
};

export interface ElasticsearchRrfOptions {
  /** `rank_constant` (default 60, whole number ≥ 1). */
  readonly rankConstant?: number;
  /** `rank_window_size` (default 10). */
  readonly rankWindowSize?: number;
  /** Per-retriever `weight` by source name (default 1). */
  readonly weights?: Readonly<Record<string, number>>;
}

/** Reproduces Elasticsearch's `rrf` retriever with its own parameter names and defaults. */
export function elasticsearchReciprocalRankFusion(options: ElasticsearchRrfOptions = {}): Fusion {
  return reciprocalRankFusion({
    flavour: "elasticsearch",
    k: options.rankConstant ?? 60,
    rankWindow: options.rankWindowSize ?? 10,
    ...(options.weights === undefined ? {} : { weights: options.weights }),
  });
}

export interface QdrantRrfOptions {
  /** Qdrant's `k` (default 2, the server default). */
  readonly k?: number;
  /** Per-prefetch weights by source name (default 1). */
  readonly weights?: Readonly<Record<string, number>>;
}

/** Reproduces Qdrant's RRF fusion query (0-based positions, k = 2 by default, weights stretch positions). */
export function qdrantReciprocalRankFusion(options: QdrantRrfOptions = {}): Fusion {
  return reciprocalRankFusion({ flavour: "qdrant", ...options });
}

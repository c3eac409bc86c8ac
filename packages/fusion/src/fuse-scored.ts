import {
  type FoundEvidence,
  type FuseOptions,
  type Hit,
  HybridRagError,
  type SourceEvidence,
} from "@hybrid-rag/core";
import { compareCodePoints } from "@hybrid-rag/core/internal";
import type { PreparedList } from "./prepare-lists.ts";

/** What a method says about one list: per hit (in list order) its normalised score and contribution. */
export interface ListScores {
  readonly normalized?: readonly number[];
  readonly contributions: readonly number[];
}

export interface ScoredFusionSpec {
  /** Recorded as `hit.fusion.method`. */
  readonly method: string;
  /** How contributions of different sources combine. */
  readonly combine: "sum" | "max";
  /** Rounding after each arithmetic step (identity, or Math.fround for float32). */
  readonly round: (value: number) => number;
  readonly minSources: number;
  scoreList(list: PreparedList): ListScores;
}

interface Entry {
  readonly id: string;
  score: number;
  contributed: boolean;
  /** Best rank among sources with a weight above 0 (the first tie-breaker). */
  bestRank: number;
  copy: Hit;
  copyRank: number;
  found: number;
  readonly evidence: Array<FoundEvidence | undefined>;
}

/**
 * The shared engine of every fusion: scores each list, combines contributions per document id,
 * filters by `minSources`, orders (fused score descending, then best rank among weighted sources,
 * then id in code-point order) and attaches provenance for every source.
 */
export function fuseScored(
  lists: readonly PreparedList[],
  spec: ScoredFusionSpec,
  options: FuseOptions | undefined,
): Hit[] {
  const topK = checkTopK(spec.method, options);
  const entries = new Map<string, Entry>();
  for (let listIndex = 0; listIndex < lists.length; listIndex++) {
    const list = lists[listIndex]!;
    if (list.hits.length === 0) continue;
    const { normalized, contributions } = spec.scoreList(list);
    for (let position = 0; position < list.hits.length; position++) {
      const hit = list.hits[position]!;
      const rank = position + 1;
      const contribution = contributions[position]!;
      let entry = entries.get(hit.id);
      if (entry === undefined) {
        entry = {
          id: hit.id,
          score: 0,
          contributed: false,
          bestRank: Number.POSITIVE_INFINITY,
          copy: hit,
          copyRank: rank,
          found: 0,
          evidence: new Array(lists.length),
        };
        entries.set(hit.id, entry);
      } else if (
        hit.document !== undefined &&
        (entry.copy.document === undefined || rank < entry.copyRank)
      ) {
        // The payload comes from the best-ranked copy that has one (ties: source-name order).
        entry.copy = hit;
        entry.copyRank = rank;
      }
      entry.found += 1;
      entry.evidence[listIndex] =
        normalized === undefined
          ? { status: "found", rank, score: hit.score, contribution }
          : {
              status: "found",
              rank,
              score: hit.score,
              normalizedScore: normalized[position]!,
              contribution,
            };
      if (list.weight <= 0) continue;
      if (rank < entry.bestRank) entry.bestRank = rank;
      if (spec.combine === "sum") entry.score = spec.round(entry.score + contribution);
      else entry.score = entry.contributed ? Math.max(entry.score, contribution) : contribution;
      entry.contributed = true;
    }
  }
  const ranked = [...entries.values()].filter((entry) => entry.found >= spec.minSources);
  ranked.sort(compareEntries);
  const kept = topK === undefined ? ranked : ranked.slice(0, topK);
  return kept.map((entry, index) => toHit(entry, index + 1, lists, spec.method));
}

function compareEntries(a: Entry, b: Entry): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  if (a.bestRank !== b.bestRank) return a.bestRank < b.bestRank ? -1 : 1;
  return compareCodePoints(a.id, b.id);
}

function toHit(entry: Entry, rank: number, lists: readonly PreparedList[], method: string): Hit {
  const sources: Record<string, SourceEvidence> = {};
  lists.forEach((list, listIndex) => {
    sources[list.source] =
      list.failure !== undefined
        ? { status: "failed", reason: list.failure }
        : (entry.evidence[listIndex] ?? { status: "absent" });
  });
  const document = entry.copy.document;
  return {
    id: entry.id,
    score: entry.score,
    rank,
    ...(document === undefined ? {} : { document }),
    sources,
    fusion: { method, score: entry.score },
  };
}

function checkTopK(method: string, options: FuseOptions | undefined): number | undefined {
  const topK = options?.topK;
  if (topK === undefined) return undefined;
  if (typeof topK !== "number" || !Number.isInteger(topK) || topK < 1) {
    throw new HybridRagError(
      "invalid-argument",
      `${method}: topK must be a whole number ≥ 1 (got ${String(topK)}); omit it to keep every hit.`,
    );
  }
  return topK;
}

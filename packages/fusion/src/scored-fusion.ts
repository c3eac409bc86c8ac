import type { Fusion } from "@hybrid-rag/core";
import { fuseScored, type ListScores } from "./fuse-scored.ts";
import type { CommonFusionOptions } from "./fusion-options.ts";
import { type PreparedList, prepareLists } from "./prepare-lists.ts";

export interface ScoredFusionDefinition {
  readonly name: string;
  /** The validated common options (weights, rankWindow, minSources). */
  readonly options: CommonFusionOptions;
  readonly combine: "sum" | "max";
  readonly round?: (value: number) => number;
  /** Keeps at most this many fused hits whatever topK asks (Elasticsearch's rank window). */
  readonly outputLimit?: number;
  /** Extra checks of the prepared lists (e.g. option keys naming sources). */
  checkLists?(lists: readonly PreparedList[]): void;
  scoreList(list: PreparedList, lists: readonly PreparedList[]): ListScores;
}

/** Builds a Fusion from a per-list scoring rule: the shape every method shares. */
export function scoredFusion(definition: ScoredFusionDefinition): Fusion {
  const { name, options, outputLimit } = definition;
  return {
    name,
    fuse(lists, fuseOptions) {
      const prepared = prepareLists(name, lists, options);
      definition.checkLists?.(prepared);
      const topK =
        outputLimit === undefined
          ? fuseOptions?.topK
          : Math.min(outputLimit, fuseOptions?.topK ?? outputLimit);
      return fuseScored(
        prepared,
        {
          method: name,
          combine: definition.combine,
          round: definition.round ?? ((value) => value),
          minSources: options.minSources ?? 1,
          scoreList: (list) => definition.scoreList(list, prepared),
        },
        topK === undefined ? fuseOptions : { ...fuseOptions, topK },
      );
    },
  };
}

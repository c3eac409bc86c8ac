import type { Fusion } from "@hybrid-rag/core";
import { concatenateFusion } from "./concatenate-fusion.ts";
import { distributionBasedScoreFusion } from "./distribution-based-score-fusion.ts";
import { linearFusion } from "./linear-fusion.ts";
import { maxScoreFusion } from "./max-score-fusion.ts";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.ts";

/** Every method and flavour, for tests that must hold for all of them. */
export const everyFusion: ReadonlyArray<{
  readonly label: string;
  readonly weighted: boolean;
  readonly create: (weights?: Record<string, number>) => Fusion;
}> = [
  { label: "rrf (paper)", weighted: true, create: (weights) => reciprocalRankFusion({ weights }) },
  {
    label: "rrf (elasticsearch)",
    weighted: true,
    create: (weights) => reciprocalRankFusion({ flavour: "elasticsearch", weights }),
  },
  {
    label: "rrf (qdrant)",
    weighted: true,
    create: (weights) => reciprocalRankFusion({ flavour: "qdrant", weights }),
  },
  ...(["min-max", "z-score", "l2", "rank", "none"] as const).map((normalizer) => ({
    label: `linear (${normalizer})`,
    weighted: true,
    create: (weights?: Record<string, number>) => linearFusion({ normalizer, weights }),
  })),
  ...(["min-max", "l2", "none"] as const).map((normalizer) => ({
    label: `linear (${normalizer}, elasticsearch)`,
    weighted: true,
    create: (weights?: Record<string, number>) =>
      linearFusion({ normalizer, flavour: "elasticsearch", weights }),
  })),
  { label: "dbsf", weighted: true, create: (weights) => distributionBasedScoreFusion({ weights }) },
  {
    label: "dbsf (float32)",
    weighted: true,
    create: (weights) => distributionBasedScoreFusion({ weights, arithmetic: "float32" }),
  },
  { label: "max", weighted: true, create: (weights) => maxScoreFusion({ weights }) },
  { label: "concatenate", weighted: false, create: () => concatenateFusion() },
];

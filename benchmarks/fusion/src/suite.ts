import {
  concatenateFusion,
  distributionBasedScoreFusion,
  linearFusion,
  maxScoreFusion,
  qdrantReciprocalRankFusion,
  reciprocalRankFusion,
} from "@hybrid-rag/fusion";
import { bareReciprocalRankFusion } from "./bare-rrf.ts";
import { twoLists } from "./inputs.ts";
import { type Measurement, type MeasureOptions, measureInterleaved } from "./measure.ts";

/** Measures every method on two lists of `size` hits; the first entry is the bare-RRF floor. */
export function runFusionSuite(size: number, options: MeasureOptions): Measurement[] {
  const lists = twoLists(size);
  const fusions = [
    reciprocalRankFusion(),
    qdrantReciprocalRankFusion(),
    linearFusion({ normalizer: "min-max" }),
    linearFusion({ normalizer: "z-score" }),
    distributionBasedScoreFusion(),
    maxScoreFusion(),
    concatenateFusion(),
  ];
  return measureInterleaved(
    [
      { name: "bare RRF (floor, no provenance)", run: () => bareReciprocalRankFusion(lists) },
      ...fusions.map((fusion) => ({ name: fusion.name, run: () => fusion.fuse(lists) })),
    ],
    options,
  );
}

/**
 * The warm-up every engine gets before it is timed (the same rule runs inside the JVM for
 * Lucene, `packages/bm25/oracle/LuceneOracle.java`): passes over all queries until
 *   - at least `minPasses` passes, or `minSeconds` of warm-up if that comes first (slow
 *     engines are warm long before 20 of their passes) but never fewer than `floorPasses`,
 *     and then
 *   - two consecutive passes agree within `tolerance` on throughput,
 * with a cap of `maxPasses` passes or `maxSeconds` (the table says when the cap was hit).
 */
export const warmUpPolicy = {
  minPasses: 20,
  minSeconds: 30,
  floorPasses: 3,
  tolerance: 0.05,
  maxPasses: 100,
  maxSeconds: 120,
} as const;

export const warmUpPolicyText = `warm-up: passes over all queries until ≥ ${warmUpPolicy.minPasses} passes (or ${warmUpPolicy.minSeconds} s and ≥ ${warmUpPolicy.floorPasses} passes) and two consecutive passes within ${warmUpPolicy.tolerance * 100} % in throughput (cap ${warmUpPolicy.maxPasses} passes / ${warmUpPolicy.maxSeconds} s); only the passes after it are timed`;

export interface WarmUpResult {
  readonly passes: number;
  /** False when the cap stopped the warm-up before two passes agreed. */
  readonly stable: boolean;
}

/** Runs `pass` (one pass over the queries, returning its milliseconds) under the policy. */
export async function warmUp(pass: () => Promise<number>): Promise<WarmUpResult> {
  const started = performance.now();
  let previous = Number.POSITIVE_INFINITY;
  for (let passes = 1; ; passes++) {
    const milliseconds = await pass();
    const elapsedSeconds = (performance.now() - started) / 1000;
    const enough =
      passes >= warmUpPolicy.minPasses ||
      (elapsedSeconds >= warmUpPolicy.minSeconds && passes >= warmUpPolicy.floorPasses);
    // Agreement needs a previous pass (a first pass compared with "infinity" would agree).
    const agree =
      passes >= 2 && Math.abs(milliseconds - previous) <= warmUpPolicy.tolerance * previous;
    if (enough && agree) return { passes, stable: true };
    if (passes >= warmUpPolicy.maxPasses || elapsedSeconds >= warmUpPolicy.maxSeconds) {
      return { passes, stable: false };
    }
    previous = milliseconds;
  }
}

import type { ExecutionProvider } from "./execution-provider.ts";

/**
 * Groups items into batches for a padded model run. Items are sorted by length so each batch
 * holds items of similar length (little padding), and a batch closes when its padded size
 * (items × longest item) would exceed `maxTokensPerBatch` or it holds `maxItemsPerBatch`.
 * Returns indices into `lengths`; every index appears exactly once.
 */
export function tokenBudgetBatches(
  lengths: readonly number[],
  maxTokensPerBatch: number,
  maxItemsPerBatch: number = Number.POSITIVE_INFINITY,
): number[][] {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  for (const index of order) {
    const length = lengths[index]!;
    const candidateLongest = Math.max(longest, length);
    const full =
      current.length >= maxItemsPerBatch ||
      (current.length + 1) * candidateLongest > maxTokensPerBatch;
    if (current.length > 0 && full) {
      batches.push(current);
      current = [];
      longest = 0;
    }
    current.push(index);
    longest = Math.max(longest, length);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Padded tokens per model run when the caller sets none. On CPUs small batches cost little
 * (each run is already a large matrix product) and buckets of similar length waste less on
 * padding; GPUs need large batches to be busy: 65,536 tokens is 128 pairs of 512 tokens, whose
 * activations (BERT-large, fp32: ~4 GB of attention scores at the peak) fit a 16 GB GPU.
 */
export function defaultTokensPerBatch(provider: ExecutionProvider): number {
  return provider === "cpu" ? 4096 : 65_536;
}

/** Pairs per model run at most when the caller sets none (GPUs: enough for short passages). */
export function defaultItemsPerBatch(provider: ExecutionProvider): number {
  return provider === "cpu" ? 64 : 512;
}

/**
 * Groups text indices into batches of similar length (shortest first) so that no batch holds
 * more than `maxTokens` tokens or `maxSize` texts; a text longer than the budget gets its own.
 */
export function tokenBatches(
  lengths: readonly number[],
  maxTokens: number,
  maxSize: number,
): number[][] {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]!);
  const batches: number[][] = [];
  let current: number[] = [];
  let tokens = 0;
  for (const index of order) {
    const length = Math.max(1, lengths[index]!);
    if (current.length > 0 && (tokens + length > maxTokens || current.length >= maxSize)) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(index);
    tokens += length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

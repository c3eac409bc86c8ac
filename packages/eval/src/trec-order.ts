import type { RunEntry } from "./types.ts";

/**
 * Orders entries the way trec_eval does before cutting at k: score descending, ties broken by
 * document id descending in byte order (strcmp on UTF-8 = Unicode code point order).
 */
export function rankLikeTrecEval(entries: readonly RunEntry[]): RunEntry[] {
  return [...entries].sort(
    (left, right) => right.score - left.score || compareCodePoints(right.docId, left.docId),
  );
}

/** Compares strings by Unicode code point (what UTF-8 byte order gives), not UTF-16 unit. */
export function compareCodePoints(left: string, right: string): number {
  if (left === right) return 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const a = left.charCodeAt(index);
    const b = right.charCodeAt(index);
    if (a === b) continue;
    // Surrogates (astral code points) sort above every BMP unit in code point order.
    const surrogateA = a >= 0xd800 && a <= 0xdfff;
    const surrogateB = b >= 0xd800 && b <= 0xdfff;
    if (surrogateA !== surrogateB) return surrogateA ? 1 : -1;
    return a - b;
  }
  return left.length - right.length;
}

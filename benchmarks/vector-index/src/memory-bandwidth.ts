/**
 * Copy bandwidth of this machine as JavaScript sees it: `Float32Array.prototype.set` over a
 * buffer far larger than the caches (it is a memcpy). Best of several rounds, in bytes/s,
 * counting the bytes read (what a scan has to read).
 */
export function measureCopyBandwidth(bytes = 256 * 1024 * 1024, rounds = 5): number {
  const source = new Float32Array(bytes / 4).fill(1);
  const target = new Float32Array(bytes / 4);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    target.set(source);
    best = Math.min(best, performance.now() - started);
  }
  return bytes / (best / 1000);
}

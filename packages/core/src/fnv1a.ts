/**
 * 32-bit FNV-1a hash of a string's UTF-16 code units: fast, stable across runs and machines,
 * and spreads similar words apart, which is all feature hashing (term → vector slot) needs.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

import { fnv1a } from "@hybrid-rag/core/internal";

/** Hash functions per signature: the Jaccard estimate's standard error is about 1/√64 ≈ 0.06. */
export const signatureLength = 64;
/** Words per shingle: long enough that pages sharing a vocabulary do not look alike. */
const shingleWords = 4;
/** Below this many words a text gets no signature: too short for shingles to mean anything. */
const minimumWords = 12;

/**
 * The words of a text as every format's extraction agrees on them: Unicode-normalised (NFKC, so
 * ligatures a PDF keeps become letters), lower-cased, letters and digits only (markup,
 * punctuation, line breaks and hyphenation artefacts fall away).
 */
export function normalisedWords(text: string): string[] {
  return (
    text
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/**
 * The MinHash signature of a text's 4-word shingles: for each of 64 seeded hash functions the
 * smallest hash over the shingles, so that two signatures agree at a position with probability
 * equal to the Jaccard similarity of the two shingle sets. Undefined for a text under 12 words.
 */
export function minHashSignature(text: string): Uint32Array | undefined {
  const words = normalisedWords(text);
  if (words.length < minimumWords) return undefined;
  const signature = new Uint32Array(signatureLength).fill(0xffffffff);
  const seen = new Set<number>();
  for (let start = 0; start + shingleWords <= words.length; start++) {
    const shingle = fnv1a(words.slice(start, start + shingleWords).join(" "));
    if (seen.has(shingle)) continue;
    seen.add(shingle);
    for (let index = 0; index < signatureLength; index++) {
      const hash = mix32(shingle ^ seeds[index]!);
      if (hash < signature[index]!) signature[index] = hash;
    }
  }
  return signature;
}

/** The estimated Jaccard similarity of two signatures: the share of positions where they agree. */
export function estimatedSimilarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let index = 0; index < signatureLength; index++) if (a[index] === b[index]) equal++;
  return equal / signatureLength;
}

export function encodeSignature(signature: Uint32Array): string {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString(
    "base64",
  );
}

/** Undefined for a stored value that is not a signature (then the parent is not compared). */
export function decodeSignature(encoded: string): Uint32Array | undefined {
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.byteLength !== signatureLength * 4) return undefined;
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** MurmurHash3's 32-bit finaliser: with a different seed xor-ed in, a different permutation. */
function mix32(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const seeds = Uint32Array.from({ length: signatureLength }, (_, index) =>
  mix32(Math.imul(index + 1, 0x9e3779b9)),
);

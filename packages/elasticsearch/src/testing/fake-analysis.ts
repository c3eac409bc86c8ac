/**
 * The fake's own text analysis and length norms, written independently of `@hybrid-rag/bm25`
 * on purpose: the fake must not score with the engine it is compared against. It is a plain
 * approximation (letters and digits runs, lowercase; for "english" the 33 Lucene stop words,
 * a possessive rule and a crude suffix stemmer), good enough for a realistic ranking. Parity
 * with Lucene is proven by the Lucene oracle tests of @hybrid-rag/bm25, not here.
 */
const englishStopWords = new Set(
  "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(
    " ",
  ),
);

export function fakeAnalyze(analyzer: string, text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  if (analyzer !== "english") return words;
  return words
    .map((word) => word.replace(/['’]s$/u, ""))
    .filter((word) => !englishStopWords.has(word))
    .map(crudeStem);
}

function crudeStem(word: string): string {
  for (const suffix of ["ing", "ed", "es", "s"]) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}

/** Lucene's one-byte length norm, decoded (SmallFloat.intToByte4 then byte4ToInt). */
export function fakeNormalizedLength(length: number): number {
  if (length < 24) return length;
  const rest = length - 24;
  const bits = 32 - Math.clz32(rest);
  if (bits <= 4) return length;
  const shift = bits - 4;
  return 24 + (rest >>> shift) * 2 ** shift;
}

/** The syllables the benchmarks' synthetic corpora build their pseudo-words from. */
const defaultSyllables = [
  "ka",
  "lo",
  "mi",
  "ne",
  "ru",
  "sa",
  "ti",
  "vo",
  "pe",
  "da",
  "gu",
  "ha",
  "zi",
  "bo",
  "fe",
  "ya",
] as const;

/**
 * Draws pronounceable pseudo-words with Zipf(1.0) frequencies from a vocabulary of
 * `vocabularySize` words (rank r: the syllables of r + 1 in base `syllables.length`), using
 * `next` (a seeded generator such as `mulberry32`) once per word: a realistic term table and
 * postings for synthetic BM25 corpora, deterministic for a seed.
 */
export function zipfWords(
  next: () => number,
  vocabularySize: number,
  syllables: readonly string[] = defaultSyllables,
): () => string {
  const vocabulary = Array.from({ length: vocabularySize }, (_, rank) => {
    let word = "";
    for (let value = rank + 1; value > 0; value = Math.floor(value / syllables.length)) {
      word += syllables[value % syllables.length];
    }
    return word;
  });
  const cumulative = new Float64Array(vocabularySize);
  let total = 0;
  for (let rank = 0; rank < vocabularySize; rank++) {
    total += 1 / (rank + 1);
    cumulative[rank] = total;
  }
  return () => {
    const target = next() * total;
    let low = 0;
    let high = vocabularySize - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return vocabulary[low]!;
  };
}

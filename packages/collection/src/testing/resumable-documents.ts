import type { Document } from "@hybrid-rag/core";
import { mulberry32 } from "@hybrid-rag/core/internal";

const vocabulary = Array.from({ length: 400 }, (_, index) =>
  `w${index.toString(36)}`.replace(/\d/g, (digit) => "klmnopqrst"[Number(digit)]!),
);

/**
 * `count` documents of seeded random words (so BM25 scores differ), each long enough for a few
 * chunks: the corpus the resumable-ingest tests interrupt and compare.
 */
export function resumableDocuments(count: number, seed = 7): Document[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, index) => {
    const words = Array.from(
      { length: 40 + Math.floor(random() * 120) },
      () => vocabulary[Math.floor(random() * vocabulary.length)]!,
    );
    return { id: `doc-${String(index).padStart(4, "0")}`, text: words.join(" ") };
  });
}

/** Queries over the same vocabulary, for comparing rankings. */
export function resumableQueries(count: number, seed = 11): string[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 3 }, () => vocabulary[Math.floor(random() * vocabulary.length)]!).join(
      " ",
    ),
  );
}

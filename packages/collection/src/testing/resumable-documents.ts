import type { Document } from "@hybrid-rag/core";
import { mulberry32 } from "@hybrid-rag/core/internal";
import { tinyPng } from "@hybrid-rag/core/testing";

const vocabulary = Array.from({ length: 400 }, (_, index) =>
  `w${index.toString(36)}`.replace(/\d/g, (digit) => "klmnopqrst"[Number(digit)]!),
);

/**
 * `count` documents of seeded random words (so BM25 scores differ), each long enough for a few
 * chunks, and every fourth one the image-only page 2 of the document before it (as loaders give
 * a PDF's chart page), the pictures repeating every eight of them (stored once): the corpus the
 * resumable-ingest tests interrupt and compare.
 */
export function resumableDocuments(count: number, seed = 7): Document[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, index) => {
    const words = Array.from(
      { length: 40 + Math.floor(random() * 120) },
      () => vocabulary[Math.floor(random() * vocabulary.length)]!,
    );
    const id = `doc-${String(index).padStart(4, "0")}`;
    if (index % 4 !== 3) return { id, text: words.join(" ") };
    const parent = `doc-${String(index - 1).padStart(4, "0")}`;
    return {
      id,
      text: "",
      image: { mediaType: "image/png", data: tinyPng(6, 6, (index >> 2) % 8) },
      metadata: { parent, page: 2 },
    };
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

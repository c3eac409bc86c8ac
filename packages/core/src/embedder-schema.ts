import { z } from "zod";
import type { Document } from "./document.ts";
import type { Embedder } from "./embedder.ts";

/** Accepts any object that implements `Embedder` (for options schemas of stores that embed). */
export const embedderSchema = z.custom<Embedder>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as Embedder).embedPassages === "function" &&
    typeof (value as Embedder).embedQueries === "function" &&
    Number.isInteger((value as Embedder).dimension) &&
    (value as Embedder).dimension > 0,
  { message: "embedder must implement Embedder (embedQueries, embedPassages, dimension > 0)" },
);

/** Accepts a `(document) => string` choosing what text of a document is embedded. */
export const passageTextSchema = z.custom<(document: Document) => string>(
  (value) => typeof value === "function",
  { message: "passageText must be a function (document) => string" },
);

/** Passages per `embedPassages` call when a store embeds documents (one default for every store). */
export const embedBatchSizeSchema = z.number().int().min(1).max(100_000).default(64);

/**
 * The text a store embeds or analyses for a document by default: title and text joined by one
 * space, as the BM25 engines (embedded and Elasticsearch) index them.
 */
export function titleAndText(document: Document): string {
  return document.title ? `${document.title} ${document.text}` : document.text;
}

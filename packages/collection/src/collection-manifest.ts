import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";

/**
 * Version 4 adds images: the `images/` folder of the collection directory (one file per
 * SHA-256) and the version folder's image list (`images`); a collection without images is
 * still written as version 2 or 3, so that the previous release reads it.
 * Version 3 adds checkpoint segments on top of the version folder and the marker of an ingest in
 * progress; a manifest without either is still written as version 2, so that collections that
 * use neither stay readable by the previous release.
 * Version 2 allows a collection without a dense side (`embedder`, `metric` and `files.dense`
 * null); a version-1 manifest (always hybrid) reads the same.
 */
export const collectionFormatVersion = 4;
const readableFormatVersions: readonly number[] = [1, 2, 3, 4];
export const manifestFile = "manifest.json";

export const manifestSchema = z.strictObject({
  format: z.literal("hybrid-rag-collection"),
  formatVersion: z.number().int(),
  /** Increases by one with every save; the data lives in `directory`. */
  version: z.number().int().min(1),
  directory: z.string().regex(/^v\d{6}$/),
  savedAt: z.string(),
  /** null: a BM25-only collection (no dense side yet). */
  embedder: z.strictObject({ name: z.string(), dimension: z.number().int().min(1) }).nullable(),
  metric: z.enum(["cosine", "dot", "l2"]).nullable(),
  bm25: z.strictObject({ analyzer: z.string(), k1: z.number(), b: z.number() }),
  chunking: z.strictObject({
    maxTokens: z.number().int(),
    overlapTokens: z.number().int(),
    tokenCounter: z.string(),
    modelMaxTokens: z.number().int().nullable(),
  }),
  counts: z.strictObject({ parents: z.number().int().min(0), chunks: z.number().int().min(0) }),
  files: z.strictObject({
    store: z.string(),
    storeSha256: z.string().regex(/^[0-9a-f]{64}$/),
    sparse: z.string(),
    dense: z.string().nullable(),
  }),
  /**
   * The refs of the images the version folder's store uses (format 4): a file in the folder,
   * one JSON string a line. The images themselves are under `images/` in the collection directory.
   */
  images: z
    .strictObject({
      file: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      count: z.number().int().min(0),
    })
    .optional(),
  /**
   * Changes on top of `directory`, applied in order when the collection is opened: the
   * checkpoints of a resumable ingest and the writes of small incremental ones (format 3).
   */
  segments: z
    .array(
      z.strictObject({
        file: z.string().regex(/^segment-\d{6}-[0-9a-f]{8}\.jsonl$/),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        bytes: z.number().int().min(0),
        /** Parents written and deleted by the segment. */
        written: z.number().int().min(0),
        deleted: z.number().int().min(0),
      }),
    )
    .optional(),
  /**
   * An ingest that committed checkpoints and has not finished (format 3): while its writer holds
   * the lock it is running; otherwise it was interrupted, and the next ingest resumes it.
   */
  ingest: z
    .strictObject({
      input: z.string(),
      startedAt: z.string(),
      /** Parents it committed so far. */
      committed: z.number().int().min(0),
    })
    .optional(),
});

export type CollectionManifest = z.output<typeof manifestSchema>;
export type SegmentReference = NonNullable<CollectionManifest["segments"]>[number];
export type IngestInProgress = NonNullable<CollectionManifest["ingest"]>;

/** The manifest of a collection directory, or undefined when there is none yet. */
export async function readManifest(directory: string): Promise<CollectionManifest | undefined> {
  let raw: string;
  try {
    raw = await readFile(join(directory, manifestFile), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new HybridRagError(
      "unavailable",
      `Cannot read ${join(directory, manifestFile)}: ${String(error)}.`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${join(directory, manifestFile)} is not valid JSON (${String(error)}); restore it or re-ingest.`,
    );
  }
  const formatVersion = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof formatVersion !== "number" || !readableFormatVersions.includes(formatVersion)) {
    const newer = typeof formatVersion === "number" && formatVersion > collectionFormatVersion;
    throw new HybridRagError(
      "unsupported",
      `${directory} holds a collection in format version ${String(formatVersion)}; this version of @hybrid-rag/collection reads versions ${readableFormatVersions.join(", ")}. ${newer ? "Open it with the newer @hybrid-rag/collection that wrote it." : "Re-ingest the documents."}`,
    );
  }
  return parseWithSchema(
    manifestSchema,
    json,
    `collection manifest ${join(directory, manifestFile)}`,
  );
}

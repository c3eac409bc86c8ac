import { join } from "node:path";
import type { Bm25Index } from "@hybrid-rag/bm25";
import type { Chunk } from "@hybrid-rag/chunking";
import { HybridRagError, isImageOnly } from "@hybrid-rag/core";
import type { VectorIndex } from "@hybrid-rag/vector-index";
import type { SegmentReference } from "./collection-manifest.ts";
import type { DocumentStore, ParentRecord } from "./document-store.ts";
import {
  decodeVectors,
  encodeVectors,
  readSegmentFile,
  type SegmentEntry,
} from "./segment-file.ts";

export interface SegmentTargets {
  readonly store: DocumentStore;
  readonly sparse: Bm25Index;
  readonly dense: VectorIndex | undefined;
}

/**
 * Applies a version's segments in order on top of its loaded folder: a written parent replaces
 * the stored one (its chunks to the store and BM25, its stored vectors to the dense side: no
 * embedding; image-only chunks have none), a deleted one is removed from all three.
 */
export async function applySegments(
  directory: string,
  segments: readonly SegmentReference[],
  targets: SegmentTargets,
): Promise<void> {
  for (const segment of segments) {
    const path = join(directory, segment.file);
    for await (const entry of readSegmentFile(path, segment.sha256)) {
      await applyEntry(path, entry, targets);
    }
  }
}

async function applyEntry(path: string, entry: SegmentEntry, targets: SegmentTargets) {
  const { store, sparse, dense } = targets;
  const id = "deleted" in entry ? entry.deleted : entry.parent.id;
  const old = store.delete(id);
  if (old.length > 0) {
    await sparse.delete(old);
    await dense?.delete(old);
  }
  if ("deleted" in entry) return;
  const chunks = entry.chunks as Chunk[];
  store.put(entry.parent as ParentRecord, chunks);
  const written = await sparse.upsert(chunks);
  if (written.failed.length > 0) {
    throw new HybridRagError(
      "corrupt-data",
      `${path}: chunk ${JSON.stringify(written.failed[0]?.id)} could not be indexed (${written.failed[0]?.error.message}); re-ingest the documents.`,
    );
  }
  if (!dense) return;
  if (entry.vectors === null) {
    throw new HybridRagError(
      "corrupt-data",
      `${path} holds no vectors for ${JSON.stringify(id)}, but the collection has a dense side; re-ingest the documents.`,
    );
  }
  // Image-only chunks have no vector (a text embedder skips them): only text chunks' are stored.
  const embedded = chunks.filter((chunk) => !isImageOnly(chunk));
  const vectors = decodeVectors(entry.vectors, embedded.length, dense.dimension);
  await dense.upsertVectors(embedded.map((document, row) => ({ document, vector: vectors[row]! })));
}

/** The segment lines for the parents a checkpoint commits, read from the in-memory collection. */
export function* segmentEntries(
  changes: ReadonlyMap<string, "written" | "deleted">,
  targets: SegmentTargets,
): Generator<SegmentEntry> {
  for (const [id, change] of changes) {
    const parent = targets.store.parent(id);
    if (change === "deleted" || !parent) {
      yield { deleted: id };
      continue;
    }
    const chunks = targets.store.chunksOf(id);
    let vectors: string | null = null;
    if (targets.dense) {
      const dense = targets.dense;
      vectors = encodeVectors(
        chunks
          .filter((chunk) => !isImageOnly(chunk))
          .map((chunk) => {
            const vector = dense.vectorOf(chunk.id);
            if (!vector) {
              throw new HybridRagError(
                "internal",
                `Chunk ${JSON.stringify(chunk.id)} is in the store but not on the dense side; the checkpoint is not written.`,
              );
            }
            return vector;
          }),
      );
    }
    yield { parent, chunks, vectors };
  }
}

import type { Chunk, Chunker } from "@hybrid-rag/chunking";
import {
  type Document,
  type DocumentIndex,
  HybridRagError,
  throwIfAborted,
  type WriteReport,
} from "@hybrid-rag/core";
import type { LoadResult } from "@hybrid-rag/loaders";
import type { EventEmitter } from "eventemitter3";
import type { CollectionEvents, IngestSummary } from "./collection-events.ts";
import { contentHash } from "./content-hash.ts";
import type { DocumentStore, ParentRecord } from "./document-store.ts";

/** What `collection.ingest` accepts: loader results, or plain core documents. */
export type IngestItem = LoadResult | Document;

export interface IngestOptions {
  readonly signal?: AbortSignal;
  /** Chunks held before they are written to both sides (default 256): bounds memory. */
  readonly batchChunks?: number;
  /**
   * Treat the input as the whole collection: parents stored before but absent from this input
   * are deleted at the end (a file removed from the folder). Default false.
   */
  readonly removeMissing?: boolean;
}

export interface IngestTargets {
  readonly sparse: DocumentIndex;
  readonly dense: DocumentIndex;
  readonly store: DocumentStore;
  readonly chunker: Chunker;
  readonly events: EventEmitter<CollectionEvents>;
}

interface Pending {
  readonly parent: ParentRecord;
  readonly chunks: readonly Chunk[];
}

/**
 * The streaming ingest: reads the input one item at a time, skips documents whose content hash
 * is unchanged, removes the chunks of a changed document before writing its new ones, and
 * writes chunks in batches to the sparse and the dense side in parallel. A parent is recorded
 * in the store only once all its chunks are on both sides; if any failed, none stay.
 */
export async function ingestDocuments(
  targets: IngestTargets,
  input: AsyncIterable<IngestItem> | Iterable<IngestItem>,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const { store, chunker, events } = targets;
  const batchChunks = options.batchChunks ?? 256;
  if (!Number.isInteger(batchChunks) || batchChunks < 1) {
    throw new HybridRagError(
      "invalid-argument",
      `batchChunks must be a whole number ≥ 1, got ${batchChunks}.`,
    );
  }
  const started = performance.now();
  const seen = new Set<string>();
  const skipped: Array<{ source: string; reason: string }> = [];
  const counts = {
    documents: 0,
    added: 0,
    replaced: 0,
    unchanged: 0,
    duplicates: 0,
    failed: 0,
    chunks: 0,
    oversized: 0,
  };
  let pending: Pending[] = [];
  let pendingChunks = 0;
  let sources = 0;
  const stages = { loadMs: 0, chunkMs: 0, embedMs: 0, writeMs: 0 };
  // One batch is written (embedded) while the next is read and chunked: the loader and the
  // chunker never wait for the model, and batches still reach the indexes in input order.
  let writing: Promise<void> = Promise.resolve();
  const progress = () =>
    events.emit("ingest-progress", {
      sources,
      documents: counts.documents,
      chunks: counts.chunks,
      elapsedMs: performance.now() - started,
    });

  const flush = async () => {
    await writing; // at most one batch in flight besides the one being gathered: bounded memory
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingChunks = 0;
    writing = writeBatch(targets, batch, options.signal, stages).then((result) => {
      counts.chunks += result.chunks;
      counts.failed += result.failedParents;
      progress();
    });
    // A failure surfaces at the next flush; until then it must not count as unhandled.
    writing.catch(() => {});
  };

  const items = (Symbol.asyncIterator in input ? input : toAsync(input))[Symbol.asyncIterator]();
  try {
    for (;;) {
      const loadStarted = performance.now();
      const next = await items.next();
      stages.loadMs += performance.now() - loadStarted;
      if (next.done) break;
      const item = next.value;
      throwIfAborted(options.signal, "collection ingest");
      sources++;
      if ("kind" in item && item.kind === "skipped") {
        skipped.push({ source: item.source, reason: item.reason });
        events.emit("source-skipped", { source: item.source, reason: item.reason });
        progress();
        continue;
      }
      const document = item as Document & { source?: string; format?: string };
      counts.documents++;
      if (seen.has(document.id)) {
        counts.duplicates++;
        events.emit("document-duplicate", {
          parentId: document.id,
          source: document.source ?? document.id,
        });
        continue;
      }
      seen.add(document.id);
      const hash = contentHash(document);
      const existing = store.parent(document.id);
      if (existing?.contentHash === hash) {
        counts.unchanged++;
        events.emit("document-unchanged", { parentId: document.id });
        progress();
        continue;
      }
      if (existing) {
        await removeParent(targets, document.id);
        counts.replaced++;
      } else {
        counts.added++;
      }
      const chunkStarted = performance.now();
      const { chunks, oversized } = chunker.chunk(document);
      stages.chunkMs += performance.now() - chunkStarted;
      for (const chunk of oversized) {
        events.emit("chunk-oversized", {
          chunk,
          tokens: chunk.metadata.tokens,
          limit: chunker.options.modelMaxTokens ?? 0,
        });
      }
      counts.oversized += oversized.length;
      events.emit("document-chunked", {
        parentId: document.id,
        chunks: chunks.length,
        replaced: existing !== undefined,
      });
      const parent: ParentRecord = {
        id: document.id,
        source: document.source ?? document.id,
        ...(document.title !== undefined ? { title: document.title } : {}),
        ...(document.format !== undefined ? { format: document.format } : {}),
        contentHash: hash,
        chunkIds: chunks.map((chunk) => chunk.id),
      };
      pending.push({ parent, chunks });
      pendingChunks += chunks.length;
      if (pendingChunks >= batchChunks) await flush();
    }
    await flush();
    await writing;
  } catch (error) {
    // Nothing keeps writing after ingest has returned: the batch in flight ends first, and the
    // input is closed (open files of a loader) as a for-await loop would close it.
    await writing.catch(() => {});
    await items.return?.();
    throw error;
  }
  let removed = 0;
  if (options.removeMissing) {
    const missing = [...store.parents()].map((parent) => parent.id).filter((id) => !seen.has(id));
    for (const id of missing) {
      await removeParent(targets, id);
      removed++;
    }
  }
  return { ...counts, removed, skipped, stages, elapsedMs: performance.now() - started };
}

/** Deletes a parent's chunks from both sides and the store; returns how many chunks it had. */
export async function removeParent(
  targets: Pick<IngestTargets, "sparse" | "dense" | "store" | "events">,
  parentId: string,
): Promise<number> {
  const parent = targets.store.parent(parentId);
  if (!parent) return 0;
  const ids = [...parent.chunkIds];
  const [sparse, dense] = await Promise.all([
    targets.sparse.delete(ids),
    targets.dense.delete(ids),
  ]);
  const failure = sparse.failed[0] ?? dense.failed[0];
  if (failure) {
    throw new HybridRagError(
      "internal",
      `Deleting the chunks of ${JSON.stringify(parentId)} failed: ${failure.error.message}`,
      {
        cause: failure.error,
      },
    );
  }
  targets.store.delete(parentId);
  targets.events.emit("document-deleted", { parentId, chunks: ids.length });
  return ids.length;
}

async function writeBatch(
  targets: IngestTargets,
  batch: readonly Pending[],
  signal: AbortSignal | undefined,
  stages: { embedMs: number; writeMs: number },
): Promise<{ chunks: number; failedParents: number }> {
  const chunks = batch.flatMap((item) => item.chunks);
  const writeOptions = signal ? { signal } : undefined;
  const timed = async <T>(stage: "embedMs" | "writeMs", work: () => Promise<T>): Promise<T> => {
    const stageStarted = performance.now();
    try {
      return await work();
    } finally {
      stages[stage] += performance.now() - stageStarted;
    }
  };
  // The dense side's time is the embedder's (storing a vector is a copy); the sparse side's
  // is the BM25 write, which runs on this thread while the model runs.
  const [sparse, dense] = await Promise.all([
    timed("writeMs", () => targets.sparse.upsert(chunks, writeOptions)),
    timed("embedMs", () => targets.dense.upsert(chunks, writeOptions)),
  ]);
  const failedChunks = failuresById(sparse, dense);
  let written = 0;
  let failedParents = 0;
  for (const { parent, chunks: parentChunks } of batch) {
    const failure = parentChunks.map((chunk) => failedChunks.get(chunk.id)).find((error) => error);
    if (failure) {
      failedParents++;
      // Half a document is worse than none: drop what did get written, report the parent.
      const ids = parentChunks.map((chunk) => chunk.id);
      await Promise.all([targets.sparse.delete(ids), targets.dense.delete(ids)]);
      targets.events.emit("document-failed", { parentId: parent.id, error: failure });
      continue;
    }
    const putStarted = performance.now();
    targets.store.put(parent, parentChunks);
    stages.writeMs += performance.now() - putStarted;
    written += parentChunks.length;
  }
  targets.events.emit("batch-indexed", {
    chunks: written,
    embedded: chunks.length,
    parents: batch.length - failedParents,
  });
  return { chunks: written, failedParents };
}

function failuresById(...reports: WriteReport[]): Map<string, Error> {
  const failures = new Map<string, Error>();
  for (const report of reports)
    for (const failure of report.failed) failures.set(failure.id, failure.error);
  return failures;
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

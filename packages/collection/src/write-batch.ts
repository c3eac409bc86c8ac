import type { Chunk } from "@hybrid-rag/chunking";
import type { DocumentIndex, WriteReport } from "@hybrid-rag/core";
import type { CollectionEvents, DocumentFailure } from "./collection-events.ts";
import type { DocumentStore, ParentRecord } from "./document-store.ts";

/** Emits a collection event with listener errors reported, not thrown (see `ListenerSafeEmitter`). */
export type EmitCollectionEvent = <K extends keyof CollectionEvents>(
  event: K,
  ...args: Parameters<CollectionEvents[K]>
) => void;

export interface BatchTargets {
  readonly sparse: DocumentIndex;
  /** Undefined in a BM25-only collection: every write goes to the sparse side only. */
  readonly dense: DocumentIndex | undefined;
  readonly store: DocumentStore;
}

/** A new or changed document, chunked, waiting to be written. */
export interface PendingDocument {
  readonly parent: ParentRecord;
  readonly chunks: readonly Chunk[];
  /** The stored version it replaces: its chunks stay until the new version is fully written. */
  readonly previous:
    | { readonly parent: ParentRecord; readonly chunks: readonly Chunk[] }
    | undefined;
}

export interface BatchResult {
  /** Documents whose new version is now stored (all chunks on both sides). */
  readonly written: readonly PendingDocument[];
  readonly failures: readonly DocumentFailure[];
  readonly chunks: number;
}

/**
 * Writes a batch to both sides in parallel, then commits per document: a document whose chunks
 * were all written replaces its previous version in the store (and the previous version's
 * chunks the new one did not overwrite are deleted); a document with any failed chunk is rolled
 * back — its new chunks deleted and the previous version's chunks that were overwritten (chunk
 * ids are `<parent>#<index>`, so versions share them) written again — so search keeps finding
 * the previous version. Restoring re-embeds only the previous chunks that the dense side did
 * overwrite; if that fails too, the document is removed whole rather than kept half-replaced.
 * An embedding service refuses a whole request for one bad passage, so the documents of a batch
 * that failed are tried again one by one: only the ones that fail alone are reported.
 */
export async function writeBatch(
  targets: BatchTargets,
  batch: readonly PendingDocument[],
  emit: EmitCollectionEvent,
  signal: AbortSignal | undefined,
  stages: StageClock = { embedMs: 0, writeMs: 0 },
): Promise<BatchResult> {
  const first = await writeOnce(targets, batch, signal, stages);
  const written = [...first.written];
  let failed = first.failed;
  let embedded = first.embedded;
  if (failed.length > 0 && batch.length > 1) {
    const alone = [];
    for (const { item } of failed) {
      const retry = await writeOnce(targets, [item], signal, stages);
      written.push(...retry.written);
      alone.push(...retry.failed);
      embedded += retry.embedded;
    }
    failed = alone;
  }
  const failures = failed.map(({ item, error, outcome }) => {
    const failure: DocumentFailure = {
      parentId: item.parent.id,
      source: item.parent.source,
      reason: error.message,
      previousVersion: outcome.previousVersion,
      ...(outcome.restoreError ? { restoreError: outcome.restoreError } : {}),
    };
    emit("document-failed", { ...failure, error });
    return failure;
  });
  const chunks = written.reduce((sum, item) => sum + item.chunks.length, 0);
  emit("batch-indexed", { chunks, embedded, parents: written.length });
  return { written, failures, chunks };
}

/** Milliseconds spent embedding (dense side) and writing (sparse side, store), added to. */
export interface StageClock {
  embedMs: number;
  writeMs: number;
}

interface FailedDocument {
  readonly item: PendingDocument;
  readonly error: Error;
  readonly outcome: Awaited<ReturnType<typeof rollBack>>;
}

async function writeOnce(
  targets: BatchTargets,
  batch: readonly PendingDocument[],
  signal: AbortSignal | undefined,
  stages: StageClock,
): Promise<{ written: PendingDocument[]; failed: FailedDocument[]; embedded: number }> {
  const chunks = batch.flatMap((item) => item.chunks);
  const writeOptions = signal ? { signal } : undefined;
  const timed = async <T>(stage: keyof StageClock, work: () => Promise<T>): Promise<T> => {
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
    timed("embedMs", () => upsertDense(targets, chunks, writeOptions)),
  ]);
  const sparseFailures = failuresById(sparse);
  const denseFailures = failuresById(dense);
  const written: PendingDocument[] = [];
  const failed: FailedDocument[] = [];
  for (const item of batch) {
    const error = item.chunks
      .map((chunk) => sparseFailures.get(chunk.id) ?? denseFailures.get(chunk.id))
      .find((failure) => failure !== undefined);
    if (error === undefined) {
      await timed("writeMs", () => commit(targets, item));
      written.push(item);
    } else {
      failed.push({
        item,
        error,
        outcome: await rollBack(targets, item, sparseFailures, denseFailures),
      });
    }
  }
  return { written, failed, embedded: chunks.length };
}

async function commit(targets: BatchTargets, item: PendingDocument): Promise<void> {
  if (item.previous) {
    const current = new Set(item.chunks.map((chunk) => chunk.id));
    const stale = item.previous.parent.chunkIds.filter((id) => !current.has(id));
    if (stale.length > 0) await deleteFromBoth(targets, stale);
  }
  targets.store.put(item.parent, item.chunks);
}

async function rollBack(
  targets: BatchTargets,
  item: PendingDocument,
  sparseFailures: ReadonlyMap<string, Error>,
  denseFailures: ReadonlyMap<string, Error>,
): Promise<{ previousVersion: DocumentFailure["previousVersion"]; restoreError?: string }> {
  const previousChunks = item.previous?.chunks ?? [];
  const previousIds = new Set(previousChunks.map((chunk) => chunk.id));
  const fresh = item.chunks.map((chunk) => chunk.id).filter((id) => !previousIds.has(id));
  try {
    if (fresh.length > 0) await deleteFromBoth(targets, fresh);
    if (!item.previous) return { previousVersion: "none" };
    const newIds = new Set(item.chunks.map((chunk) => chunk.id));
    const overwritten = previousChunks.filter((chunk) => newIds.has(chunk.id));
    // A chunk whose write failed on a side was not written there: the previous one is intact.
    const [sparse, dense] = await Promise.all([
      targets.sparse.upsert(overwritten.filter((chunk) => !sparseFailures.has(chunk.id))),
      upsertDense(
        targets,
        overwritten.filter((chunk) => !denseFailures.has(chunk.id)),
      ),
    ]);
    const failure = sparse.failed[0] ?? dense.failed[0];
    if (failure) throw failure.error;
    return { previousVersion: "kept" };
  } catch (error) {
    // Half a document is worse than none: remove every chunk of both versions.
    const all = [...new Set([...previousIds, ...item.chunks.map((chunk) => chunk.id)])];
    await deleteFromBoth(targets, all);
    targets.store.delete(item.parent.id);
    return {
      previousVersion: item.previous ? "removed" : "none",
      restoreError: error instanceof Error ? error.message : String(error),
    };
  }
}

async function deleteFromBoth(targets: BatchTargets, ids: readonly string[]): Promise<void> {
  const reports = await Promise.all([
    targets.sparse.delete(ids),
    targets.dense?.delete(ids) ?? nothingWritten,
  ]);
  const failure = reports[0].failed[0] ?? reports[1].failed[0];
  if (failure) throw failure.error;
}

/** What the absent dense side of a BM25-only collection reports: nothing to do, nothing failed. */
export const nothingWritten: WriteReport = { succeeded: 0, failed: [] };

function upsertDense(
  targets: BatchTargets,
  chunks: readonly Chunk[],
  options?: { signal: AbortSignal },
): Promise<WriteReport> {
  return targets.dense?.upsert(chunks, options) ?? Promise.resolve(nothingWritten);
}

function failuresById(report: WriteReport): Map<string, Error> {
  return new Map(report.failed.map((failure) => [failure.id, failure.error]));
}

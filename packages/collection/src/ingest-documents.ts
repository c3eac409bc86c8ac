import type { Chunk, Chunker } from "@hybrid-rag/chunking";
import { type Document, type DocumentIndex, HybridRagError, isImageOnly } from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";
import type { LoadResult } from "@hybrid-rag/loaders";
import type { ListenerSafeEmitter } from "@hybrid-rag/pipeline";
import type { CollectionEvents, DocumentFailure, IngestSummary } from "./collection-events.ts";
import { contentHash } from "./content-hash.ts";
import type { DocumentStore, ParentRecord } from "./document-store.ts";
import type { ImageStore, PreparedImage } from "./image-store.ts";
import { imageChunk, prepareDocumentImage } from "./ingest-images.ts";
import { encodeSignature, minHashSignature } from "./min-hash.ts";
import type { NearDuplicateGroups } from "./near-duplicate-groups.ts";
import {
  type EmitCollectionEvent,
  nothingWritten,
  type PendingDocument,
  writeBatch,
} from "./write-batch.ts";

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
  /**
   * Called (and awaited) after each batch is in the in-memory collection and after the
   * removals, with the parents it wrote and deleted: how a durable ingest checkpoints them.
   */
  readonly onCommitted?: (changes: CommittedChanges) => Promise<void>;
}

export interface CommittedChanges {
  readonly written: readonly string[];
  readonly deleted: readonly string[];
}

/** Missing sources listed by name in a summary (the count covers all of them). */
const missingListed = 20;

export interface IngestTargets {
  readonly sparse: DocumentIndex;
  /** Undefined in a BM25-only collection. */
  readonly dense: DocumentIndex | undefined;
  readonly store: DocumentStore;
  readonly images: ImageStore;
  readonly chunker: Chunker;
  readonly events: ListenerSafeEmitter<CollectionEvents>;
  readonly nearDuplicates: NearDuplicateGroups;
}

/** Near-duplicate groups listed by their sources in a summary (the counts cover all). */
const nearDuplicatesListed = 10;

/**
 * The streaming ingest: reads the input one item at a time, skips documents whose content hash
 * is unchanged, and writes the chunks of new and changed documents in batches to the sparse and
 * the dense side in parallel. Each document is a transaction (`writeBatch`): its new version
 * replaces the stored one only once all its chunks are on both sides; otherwise the previous
 * version stays and the document is listed in `failures`. Listener errors never fail it.
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
  const warnings: string[] = [];
  const emit = ((event: keyof CollectionEvents, ...args: unknown[]) =>
    (events.emitReporting as (...all: unknown[]) => void)(
      event,
      (name: string, error: unknown) =>
        warnings.push(
          `a "${name}" event listener threw and was skipped (the ingest went on): ${error instanceof Error ? error.message : String(error)}`,
        ),
      ...args,
    )) as EmitCollectionEvent;
  const seen = new Set<string>();
  const skipped: Array<{ source: string; reason: string }> = [];
  const failures: DocumentFailure[] = [];
  const counts = {
    documents: 0,
    added: 0,
    replaced: 0,
    unchanged: 0,
    duplicates: 0,
    chunks: 0,
    oversized: 0,
  };
  const images = {
    stored: 0,
    deduplicated: 0,
    skipped: [] as Array<{ id: string; reason: string }>,
    imageOnly: 0,
  };
  let pending: PendingDocument[] = [];
  let pendingChunks = 0;
  let sources = 0;
  const stages = { loadMs: 0, chunkMs: 0, embedMs: 0, writeMs: 0 };
  // One batch is written (embedded) while the next is read and chunked: the loader and the
  // chunker never wait for the model, and batches still reach the indexes in input order.
  let writing: Promise<void> = Promise.resolve();
  const progress = () =>
    emit("ingest-progress", {
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
    writing = writeBatch(targets, batch, emit, options.signal, stages).then(async (result) => {
      counts.chunks += result.chunks;
      for (const item of result.written) {
        if (item.previous) counts.replaced++;
        else counts.added++;
      }
      failures.push(...result.failures);
      await options.onCommitted?.({
        written: result.written.map((item) => item.parent.id),
        // A failed update whose previous version could not be restored is gone too.
        deleted: result.failures
          .filter((failure) => failure.previousVersion === "removed")
          .map((failure) => failure.parentId),
      });
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
      if ("kind" in item && item.kind === "skipped" && item.code === "unchanged" && item.id) {
        // The loader did not extract it: its bytes hash as when it was stored (`unchangedFile`).
        if (store.parent(item.id) && !seen.has(item.id)) {
          // Its page images and figures came from the same bytes: unchanged too.
          for (const id of [item.id, ...store.partsOf(item.id)]) {
            if (seen.has(id)) continue;
            seen.add(id);
            counts.documents++;
            counts.unchanged++;
            emit("document-unchanged", { parentId: id });
          }
          progress();
          continue;
        }
      }
      if ("kind" in item && item.kind === "skipped") {
        skipped.push({ source: item.source, reason: item.reason });
        emit("source-skipped", { source: item.source, reason: item.reason });
        progress();
        continue;
      }
      const document = item as Document & {
        source?: string;
        format?: string;
        fileSha256?: string;
      };
      let image: PreparedImage | undefined;
      if (document.image !== undefined) {
        const prepared = await prepareDocumentImage(targets.images, document);
        if ("refused" in prepared) {
          images.skipped.push({ id: document.id, reason: prepared.refused });
          if (isImageOnly(document)) {
            const source = document.source ?? document.id;
            const reason = `an image-only document (${document.id}) whose image was refused: ${prepared.refused}`;
            skipped.push({ source, reason });
            emit("source-skipped", { source, reason });
            progress();
            continue;
          }
          warnings.push(
            `${document.id}: its text was ingested, its image was not: ${prepared.refused}`,
          );
        } else image = prepared;
      }
      counts.documents++;
      if (seen.has(document.id)) {
        counts.duplicates++;
        emit("document-duplicate", {
          parentId: document.id,
          source: document.source ?? document.id,
        });
        continue;
      }
      seen.add(document.id);
      const hash = contentHash(document, image?.reference.ref);
      const existing = store.parent(document.id);
      if (existing?.contentHash === hash) {
        counts.unchanged++;
        emit("document-unchanged", { parentId: document.id });
        progress();
        continue;
      }
      if (image) {
        const { deduplicated } = await targets.images.keep(image);
        if (deduplicated) images.deduplicated++;
        else images.stored++;
      }
      const chunkStarted = performance.now();
      const { chunks, oversized } = chunkWithImage(chunker, document, image);
      if (image && document.text === "") images.imageOnly++;
      const signature = minHashSignature(document.text);
      stages.chunkMs += performance.now() - chunkStarted;
      for (const chunk of oversized) {
        emit("chunk-oversized", {
          chunk,
          tokens: chunk.metadata.tokens,
          limit: chunker.options.modelMaxTokens ?? 0,
        });
      }
      counts.oversized += oversized.length;
      emit("document-chunked", {
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
        ...(signature ? { signature: encodeSignature(signature) } : {}),
        ...(document.fileSha256 !== undefined ? { fileSha256: document.fileSha256 } : {}),
        ...(image ? { image: image.reference } : {}),
        ...(image && typeof document.metadata?.parent === "string"
          ? { partOf: document.metadata.parent }
          : {}),
      };
      const previous = existing && { parent: existing, chunks: store.chunksOf(existing.id) };
      pending.push({ parent, chunks, previous });
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
  targets.images.dropPendingExcept(store.imageRefs());
  let removed = 0;
  const missing = [...store.parents()].filter((parent) => !seen.has(parent.id));
  if (options.removeMissing) {
    for (const { id } of missing) {
      await removeParent(targets, id, emit);
      removed++;
    }
    if (removed > 0)
      await options.onCommitted?.({ written: [], deleted: missing.map(({ id }) => id) });
  }
  const groups = targets.nearDuplicates.groups;
  return {
    ...counts,
    images,
    nearDuplicates: {
      groups: groups.length,
      documents: groups.reduce((sum, group) => sum + group.members.length, 0),
      examples: groups
        .slice(0, nearDuplicatesListed)
        .map((group) => group.members.map((id) => store.parent(id)?.source ?? id)),
    },
    missing: options.removeMissing ? 0 : missing.length,
    missingSources: options.removeMissing
      ? []
      : missing.slice(0, missingListed).map((parent) => parent.source),
    failed: failures.length,
    failures,
    removed,
    skipped,
    warnings,
    stages,
    elapsedMs: performance.now() - started,
  };
}

/** Deletes a parent's chunks from both sides and the store; returns how many chunks it had. */
export async function removeParent(
  targets: Pick<IngestTargets, "sparse" | "dense" | "store" | "events">,
  parentId: string,
  emit: EmitCollectionEvent = (event, ...args) =>
    (targets.events.emit as (...all: unknown[]) => boolean)(event, ...args),
): Promise<number> {
  const parent = targets.store.parent(parentId);
  if (!parent) return 0;
  const ids = [...parent.chunkIds];
  const [sparse, dense] = await Promise.all([
    targets.sparse.delete(ids),
    targets.dense?.delete(ids) ?? nothingWritten,
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
  emit("document-deleted", { parentId, chunks: ids.length });
  return ids.length;
}

/**
 * An image-only document is one chunk holding its image; a document with text and an image is
 * chunked as text, and every chunk carries the image (a reranker that looks at images sees it
 * beside each passage of the text).
 */
function chunkWithImage(
  chunker: Chunker,
  document: Document & { readonly source?: string },
  image: PreparedImage | undefined,
): { chunks: Chunk[]; oversized: readonly Chunk[] } {
  // The chunker copies no image: a document whose image was refused is chunked as text alone.
  if (image === undefined) return chunker.chunk(document);
  if (document.text === "")
    return { chunks: [imageChunk(document, image.reference)], oversized: [] };
  const { chunks, oversized } = chunker.chunk(document);
  const withImage = chunks.map((chunk) => ({ ...chunk, image: image.reference }));
  const ids = new Set(oversized.map((chunk) => chunk.id));
  return { chunks: withImage, oversized: withImage.filter((chunk) => ids.has(chunk.id)) };
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

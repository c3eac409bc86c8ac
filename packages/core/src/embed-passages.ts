import { abortError } from "./abort.ts";
import type { Document } from "./document.ts";
import type { ItemFailure, ItemSkip } from "./document-index.ts";
import type { Embedder } from "./embedder.ts";
import { HybridRagError, toHybridRagError } from "./errors.ts";
import { imageOnlySkipReason, isImageOnly } from "./images/image-only.ts";

/** A valid document and its position in the caller's input (as `validateDocuments` returns). */
export interface PositionedDocument {
  readonly document: Document;
  readonly index: number;
}

/** How a store embeds the documents it writes: the one setting every vector backend shares. */
export interface PassageEmbedding {
  readonly embedder: Embedder;
  /** The text embedded for a document (default of every store: `titleAndText`). */
  readonly passageText: (document: Document) => string;
  /** Passages per `embedPassages` call. */
  readonly embedBatchSize: number;
  /**
   * A store's own rule for one vector, after the shared checks (e.g. Elasticsearch's
   * `dot_product` wants unit length): returns the vector to write or throws a HybridRagError,
   * which fails that document only.
   */
  readonly checkVector?: (vector: Float32Array, document: Document) => Float32Array;
}

export interface EmbeddedPassages {
  readonly embedded: Array<PositionedDocument & { readonly vector: Float32Array }>;
  readonly failed: ItemFailure[];
  /** Image-only documents (text ""): a text embedder has nothing to embed; never sent to it. */
  readonly skipped: ItemSkip[];
}

/**
 * The embed step of every store's upsert (the embedded vector index, Qdrant, Elasticsearch's
 * dense field), so they all send the same text in the same batches and fail alike:
 * - documents go to `embedPassages` in input order, `embedBatchSize` at a time;
 * - an embedder call that fails — its own timeout included — fails every document of that
 *   batch (in `failed`, with the embedder's error) and the next batches still go: the caller
 *   learns exactly which documents to send again;
 * - image-only documents (text "" and an image) are not sent to the embedder: they come back in
 *   `skipped` with the reason, for the store to report;
 * - the caller's signal rejects (`aborted`, or `timeout` for `AbortSignal.timeout`), checked
 *   before each batch and after each embedder call: nothing after it is embedded;
 * - an answer with the wrong number of vectors fails its whole batch; a vector that is not a
 *   Float32Array of `embedder.dimension` finite numbers, or that `checkVector` refuses, fails
 *   its document only.
 */
export async function embedPassages(
  allItems: readonly PositionedDocument[],
  embedding: PassageEmbedding,
  owner: string,
  signal?: AbortSignal,
): Promise<EmbeddedPassages> {
  const embedded: Array<PositionedDocument & { vector: Float32Array }> = [];
  const failed: ItemFailure[] = [];
  const skipped: ItemSkip[] = [];
  const { embedder, embedBatchSize } = embedding;
  const items = allItems.filter(({ document, index }) => {
    if (!isImageOnly(document)) return true;
    skipped.push({
      id: document.id,
      index,
      reason: imageOnlySkipReason(`${owner}'s text embedder`),
    });
    return false;
  });
  for (let start = 0; start < items.length; start += embedBatchSize) {
    throwIfCallerAborted(signal, owner);
    const batch = items.slice(start, start + embedBatchSize);
    let vectors: readonly Float32Array[];
    try {
      const texts = batch.map(({ document }) => embedding.passageText(document));
      vectors = await embedder.embedPassages(texts, signal ? { signal } : undefined);
      if (!Array.isArray(vectors) || vectors.length !== batch.length) {
        throw new HybridRagError(
          "internal",
          `${embedder.name} returned ${Array.isArray(vectors) ? vectors.length : "no array of"} vectors for ${batch.length} passages: an embedder must return one vector per text, in order.`,
        );
      }
    } catch (error) {
      const failure = toHybridRagError(error, `${owner}: embedding passages with ${embedder.name}`);
      throwIfCallerAborted(signal, owner);
      for (const { document, index } of batch)
        failed.push({ id: document.id, index, error: failure });
      continue;
    }
    batch.forEach((item, position) => {
      const vector = vectors[position];
      const problem = vectorProblem(vector, embedder.dimension);
      if (problem !== undefined) {
        const error = new HybridRagError(
          "internal",
          `${owner}: ${embedder.name} returned an unusable vector for document ${item.document.id}: ${problem}. Check that the embedder's dimension matches its model.`,
          { details: { id: item.document.id } },
        );
        failed.push({ id: item.document.id, index: item.index, error });
        return;
      }
      try {
        const checked = embedding.checkVector?.(vector!, item.document) ?? vector!;
        embedded.push({ ...item, vector: checked });
      } catch (error) {
        failed.push({ id: item.document.id, index: item.index, error: toHybridRagError(error) });
      }
    });
  }
  throwIfCallerAborted(signal, owner);
  return { embedded, failed, skipped };
}

/**
 * What is wrong with a vector a store is given (by its embedder, or a caller searching by
 * vector): not a Float32Array, another dimension, or a component that is not finite.
 */
export function vectorProblem(vector: unknown, dimension: number): string | undefined {
  if (!(vector instanceof Float32Array)) {
    return `expected a Float32Array, got ${vector === null ? "null" : typeof vector}`;
  }
  if (vector.length !== dimension) {
    return `the vector has ${vector.length} dimensions, expected ${dimension} (use the same embedder for documents and queries)`;
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) return `vector component ${i} is ${vector[i]} (not finite)`;
  }
  return undefined;
}

/** The caller's signal fired: reject (`aborted`, or `timeout` for `AbortSignal.timeout`). */
function throwIfCallerAborted(signal: AbortSignal | undefined, owner: string): void {
  if (signal?.aborted) throw abortError(signal, `${owner} upsert (embedding passages)`);
}

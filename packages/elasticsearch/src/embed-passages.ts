import {
  type Document,
  HybridRagError,
  type ItemFailure,
  titleAndText,
  toHybridRagError,
} from "@hybrid-rag/core";
import { checkedVector } from "./dense-vector-checks.ts";
import type { DenseFieldOptions } from "./elasticsearch-options.ts";

type Valid = { readonly document: Document; readonly index: number };

/**
 * Embeds documents (title + " " + text) in batches for the dense field. A failed embedder call
 * reports every document of its batch; a malformed vector, or one the field's similarity
 * refuses (`checkedVector`), reports its document before anything is sent. Aborts throw.
 */
export async function embedPassages(
  valid: readonly Valid[],
  dense: DenseFieldOptions,
  signal: AbortSignal | undefined,
): Promise<{ embedded: Array<Valid & { vector: Float32Array }>; failed: ItemFailure[] }> {
  const embedded: Array<Valid & { vector: Float32Array }> = [];
  const failed: ItemFailure[] = [];
  const { embedder, embedBatchSize } = dense;
  for (let start = 0; start < valid.length; start += embedBatchSize) {
    const batch = valid.slice(start, start + embedBatchSize);
    let vectors: Float32Array[];
    try {
      const texts = batch.map(({ document }) => titleAndText(document));
      vectors = await embedder.embedPassages(texts, signal ? { signal } : undefined);
    } catch (error) {
      const failure = toHybridRagError(error, `embedding passages with ${embedder.name}`);
      if (failure.code === "aborted" || signal?.aborted) throw failure;
      for (const { document, index } of batch)
        failed.push({ id: document.id, index, error: failure });
      continue;
    }
    batch.forEach((item, position) => {
      const vector = vectors[position];
      if (
        vector instanceof Float32Array &&
        vector.length === embedder.dimension &&
        vector.every(Number.isFinite)
      ) {
        try {
          const what = `The vector of document ${item.document.id}`;
          embedded.push({ ...item, vector: checkedVector(vector, dense, what) });
        } catch (error) {
          failed.push({ id: item.document.id, index: item.index, error: toHybridRagError(error) });
        }
      } else {
        const error = new HybridRagError(
          "internal",
          `${embedder.name} returned an unusable vector for document ${item.document.id} (expected ${embedder.dimension} finite numbers).`,
        );
        failed.push({ id: item.document.id, index: item.index, error });
      }
    });
  }
  return { embedded, failed };
}

import { HybridRagError } from "@hybrid-rag/core";
import type { DocumentStore, ParentRecord } from "./document-store.ts";

/** A parent document as the collection holds it: its record, its chunks and its text. */
export interface ParentDocumentView {
  readonly id: string;
  readonly source: string;
  readonly title: string | null;
  readonly format: string | null;
  /**
   * The parent's text rebuilt from its chunks at their offsets. The collection does not store
   * the whitespace between two chunks that do not overlap: each such gap is filled with as
   * many spaces, so every chunk's `[start, end)` still points at its own text.
   */
  readonly text: string;
  readonly chunks: ReadonlyArray<{
    readonly id: string;
    readonly start: number;
    readonly end: number;
  }>;
}

/** The parent `id` from the store, or a `not-found` error that says how to find ids. */
export function parentDocument(store: DocumentStore, id: string): ParentDocumentView {
  const record: ParentRecord | undefined = store.parent(id);
  if (!record) {
    throw new HybridRagError(
      "not-found",
      `no document with id ${JSON.stringify(id)} in this collection; search first and use a passage's parentId.`,
      { details: { id } },
    );
  }
  let text = "";
  const chunks: Array<{ id: string; start: number; end: number }> = [];
  for (const chunk of store.chunksOf(id)) {
    const { start, end } = chunk.metadata;
    if (start > text.length) text += " ".repeat(start - text.length);
    if (end > text.length) text += chunk.text.slice(text.length - start);
    chunks.push({ id: chunk.id, start, end });
  }
  return {
    id: record.id,
    source: record.source,
    title: record.title ?? null,
    format: record.format ?? null,
    text,
    chunks,
  };
}

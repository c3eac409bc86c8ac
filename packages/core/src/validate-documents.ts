import type { Document } from "./document.ts";
import type { ItemFailure } from "./document-index.ts";
import { HybridRagError } from "./errors.ts";
import { documentSchema, parseWithSchema } from "./schemas.ts";

/** The outcome of `validateDocuments`: the valid documents with their positions, and the failures. */
export interface ValidatedBatch {
  /** Valid documents with their position in the input; later duplicates of an id win (upsert). */
  readonly valid: ReadonlyArray<{ readonly document: Document; readonly index: number }>;
  readonly failed: readonly ItemFailure[];
}

/**
 * Validates a batch item by item, so one bad document is reported without losing the others.
 * When an id appears twice, the last occurrence is kept (as a sequence of upserts would).
 */
export function validateDocuments(documents: readonly unknown[]): ValidatedBatch {
  if (!Array.isArray(documents)) {
    throw new HybridRagError(
      "invalid-argument",
      `Expected an array of documents, got ${typeof documents}. Pass [{ id, text }].`,
    );
  }
  const failed: ItemFailure[] = [];
  const byId = new Map<string, { document: Document; index: number }>();
  documents.forEach((candidate, index) => {
    try {
      const document = parseWithSchema(documentSchema, candidate, `document at index ${index}`);
      byId.delete(document.id);
      byId.set(document.id, { document: document as Document, index });
    } catch (error) {
      const id = idOf(candidate);
      failed.push({ id, index, error: error as Error });
    }
  });
  return { valid: [...byId.values()], failed };
}

function idOf(candidate: unknown): string {
  if (typeof candidate === "object" && candidate !== null && "id" in candidate) {
    return String((candidate as { id: unknown }).id);
  }
  return "";
}

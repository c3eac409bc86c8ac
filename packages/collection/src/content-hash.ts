import { createHash } from "node:crypto";
import type { Document } from "@hybrid-rag/core";

/**
 * SHA-256 over what ends up in the index: title, text and metadata (fields kept apart), and the
 * SHA-256 of the document's image when it has one (a changed picture is a changed document).
 */
export function contentHash(document: Document, imageRef?: string): string {
  const hash = createHash("sha256")
    .update(document.title ?? "")
    .update("\u0000")
    .update(document.text)
    .update("\u0000")
    .update(JSON.stringify(document.metadata ?? null));
  // Documents without an image hash as before, so stored text documents stay unchanged.
  if (imageRef !== undefined) hash.update("\u0000image\u0000").update(imageRef);
  return hash.digest("hex");
}

import { createHash } from "node:crypto";
import type { Document } from "@hybrid-rag/core";

/** SHA-256 over what ends up in the index: title, text and metadata (fields kept apart). */
export function contentHash(document: Document): string {
  return createHash("sha256")
    .update(document.title ?? "")
    .update("\u0000")
    .update(document.text)
    .update("\u0000")
    .update(JSON.stringify(document.metadata ?? null))
    .digest("hex");
}

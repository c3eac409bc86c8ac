import type { Document } from "./document.ts";

/**
 * Finds stored documents by id. Indexes saved without their documents (`storeDocuments: false`)
 * take one when loaded, so several indexes can share one copy of the text (one document store).
 */
export interface DocumentLookup {
  get(id: string): Document | undefined;
}

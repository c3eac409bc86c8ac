import type { DocumentStore } from "@hybrid-rag/collection";

/**
 * "a collection of 3 documents (41 passages), e.g. Coast survey, kitchen.md, …": enough for an
 * agent to decide whether to search it, short enough for a tool description.
 */
export function describeCollection(store: DocumentStore, examples = 5): string {
  const names: string[] = [];
  for (const parent of store.parents()) {
    if (names.length === examples) break;
    names.push(parent.title ?? parent.source);
  }
  const more = store.parentCount > names.length ? ", …" : "";
  const sample = names.length > 0 ? `, e.g. ${names.join(", ")}${more}` : "";
  return `a collection of ${store.parentCount} documents (${store.chunkCount} passages)${sample}`;
}

import type { Hit } from "@hybrid-rag/core";

/** The source name the pipeline gives the page images it adds to the rerank candidates. */
const pageImageSource = "page-image";

/**
 * The corpus id a hit is judged as: a page image the pipeline added (`sources["page-image"]`,
 * `metadata.parent`) counts for the document whose page it is; any other hit is its own id.
 */
export function judgedDocumentId(hit: Hit): string {
  const parent = hit.document?.metadata?.parent;
  return hit.sources[pageImageSource] !== undefined && typeof parent === "string" ? parent : hit.id;
}

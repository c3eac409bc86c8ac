import { documentIdSchema } from "@hybrid-rag/core";
import type { LoadedDocument } from "./loaded-document.ts";
import type { RenderedPage } from "./pdf-page-images.ts";

/** The id of a PDF page's image document: the PDF's id and the page, as a PDF open parameter says it. */
export function pageImageId(parentId: string, page: number): string {
  return `${parentId}#page=${page}`;
}

/**
 * A rendered PDF page as an image-only document (`text: ""`), linked to the PDF it came from
 * (`metadata.parent`, `metadata.page`), so a reranker that looks at images can score the page
 * and a citation can name the file and the page. Undefined when the id would break core's id
 * rule (a parent id near the 512-byte limit): the caller reports it.
 */
export function pageImageDocument(
  parent: Pick<LoadedDocument, "id" | "source" | "title"> & Partial<Pick<LoadedDocument, "pages">>,
  rendered: RenderedPage,
): LoadedDocument | undefined {
  const id = pageImageId(parent.id, rendered.page);
  // The page's printed label ("1", "xiv") when the PDF declares page labels: citations print it.
  const label = parent.pages?.find((hint) => hint.number === rendered.page)?.label;
  if (!documentIdSchema.safeParse(id).success) return undefined;
  return {
    kind: "document",
    id,
    source: parent.source,
    format: "pdf",
    text: "",
    ...(parent.title ? { title: `${parent.title}, page ${rendered.page}` } : {}),
    image: rendered.image,
    metadata: { parent: parent.id, page: rendered.page },
    headings: [],
    pages: [{ number: rendered.page, ...(label ? { label } : {}), start: 0, end: 0 }],
  };
}

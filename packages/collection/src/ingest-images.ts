import type { Chunk } from "@hybrid-rag/chunking";
import { chunkId } from "@hybrid-rag/chunking";
import {
  type Document,
  HybridRagError,
  type InlineImage,
  isInlineImage,
  type MetadataValue,
  type StoredImageReference,
} from "@hybrid-rag/core";
import type { ImageStore, PreparedImage } from "./image-store.ts";

/**
 * A document's image checked against the store's bounds and hashed, or why it was refused.
 * A reference (`{ ref }`) must name an image this store holds: its bytes are checked the same.
 */
export async function prepareDocumentImage(
  images: ImageStore,
  document: Document,
): Promise<PreparedImage | { readonly refused: string }> {
  const image = document.image;
  if (image === undefined) throw new HybridRagError("internal", "prepareDocumentImage: no image");
  const what = `the image of ${JSON.stringify(document.id)}`;
  try {
    const inline: InlineImage = isInlineImage(image)
      ? image
      : await images.resolveImage(image).catch((error: unknown) => {
          throw new HybridRagError(
            "invalid-argument",
            `${what} is a stored image reference (${image.ref}) this collection cannot read (${(error as Error).message}); pass the image bytes instead`,
          );
        });
    return images.prepare(inline, what);
  } catch (error) {
    if (error instanceof HybridRagError && error.code === "invalid-argument") {
      return { refused: error.message.replace(/\.$/, "") };
    }
    throw error;
  }
}

/**
 * The one chunk of an image-only document: no text, the stored image, and the chunk metadata
 * every chunk has (its page when the loader linked it to one: `metadata.page`, and that page's
 * printed label from the loader's page hints), so citations
 * and the page-image lookup (`DocumentStore.pageImage`) work on it as on text chunks.
 */
export function imageChunk(
  document: Document & {
    readonly source?: string;
    /** A loader's page hints: a PDF page image has its page's, with the printed label if any. */
    readonly pages?: readonly { readonly number: number; readonly label?: string }[];
  },
  reference: StoredImageReference,
): Chunk {
  const page = document.metadata?.page;
  const pageNumber = typeof page === "number" ? page : null;
  // The page's printed label ("1", "xiv") when the PDF declares page labels, as text chunks have.
  const pageLabel = document.pages?.find((hint) => hint.number === pageNumber)?.label ?? null;
  return {
    id: chunkId(document.id, 0),
    text: "",
    ...(document.title !== undefined ? { title: document.title } : {}),
    image: reference,
    metadata: {
      ...((document.metadata ?? {}) as Record<string, MetadataValue>),
      parentId: document.id,
      source: document.source ?? document.id,
      chunkIndex: 0,
      start: 0,
      end: 0,
      headingPath: [],
      sourceCharStart: null,
      sourceCharEnd: null,
      sourceByteStart: null,
      sourceByteEnd: null,
      sourceLineStart: null,
      sourceLineEnd: null,
      sourceEntry: null,
      pageStart: pageNumber,
      pageEnd: pageNumber,
      pageLabelStart: pageLabel,
      pageLabelEnd: pageLabel,
      tokens: 0,
    },
  };
}

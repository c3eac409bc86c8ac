import {
  type Document,
  type ImageResolver,
  type InlineImage,
  inlineImageOf,
} from "@hybrid-rag/core";

/** A document as rerankers that look at images get it: text, image, or both. */
export interface ImagePassage {
  /** Absent for an image-only document without a title (APIs want `text` omitted, never ""). */
  readonly text?: string;
  readonly image?: InlineImage;
}

/**
 * The passage of a document for an image-aware endpoint: a document without an image is its
 * passage text; an image document sends its image (stored references resolved through
 * `resolver`) with its passage text, or, when image-only, with its title if it has one.
 */
export async function imagePassageOf(
  document: Document,
  passageText: (document: Document) => string,
  resolver: ImageResolver | undefined,
  signal?: AbortSignal,
): Promise<ImagePassage> {
  if (document.image === undefined) return { text: passageText(document) };
  const image = await inlineImageOf(
    document.image,
    resolver,
    `candidate ${document.id}'s image`,
    signal,
  );
  const text = document.text === "" ? document.title || undefined : passageText(document);
  return text === undefined ? { image } : { text, image };
}

import type { DocumentImage, InlineImage, StoredImageReference } from "../document.ts";
import { HybridRagError } from "../errors.ts";

/**
 * Turns a stored image reference into its bytes. A collection implements it over its image
 * store; rerankers that look at images take one to resolve the references their candidates carry.
 */
export interface ImageResolver {
  /** The bytes of `image.ref`; rejects with `not-found` when the store has no such image. */
  resolveImage(image: StoredImageReference, signal?: AbortSignal): Promise<InlineImage>;
}

/** True when `image` carries its bytes (not a reference to resolve). */
export function isInlineImage(image: DocumentImage): image is InlineImage {
  return "data" in image;
}

/**
 * The bytes of a document's image: inline images as they are, references through `resolver`;
 * a reference without a resolver is an `invalid-argument` that says where to get one.
 */
export async function inlineImageOf(
  image: DocumentImage,
  resolver: ImageResolver | undefined,
  what: string,
  signal?: AbortSignal,
): Promise<InlineImage> {
  if (isInlineImage(image)) return image;
  if (resolver === undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `${what} is a stored image reference (${image.ref}) and no image resolver was given: pass the collection's imageResolver, or documents with inline image bytes.`,
      { details: { ref: image.ref } },
    );
  }
  return resolver.resolveImage(image, signal);
}

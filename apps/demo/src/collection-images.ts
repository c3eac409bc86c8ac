import type { HybridCollection } from "@hybrid-rag/collection";
import type { ImageMediaType } from "@hybrid-rag/core";
import type { DemoImages } from "./page-thumbnails.ts";

/**
 * The collection's stored images as the demo serves them: read through its image store, only
 * the hashes its documents refer to (with the type they declare), and the page images of a
 * text chunk's PDF pages as the collection links them. The hash → type table is rebuilt when
 * the store changes (its revision), not per request.
 */
export function collectionImages(collection: HybridCollection): DemoImages {
  let revision = -1;
  let types = new Map<string, ImageMediaType>();
  const storedTypes = () => {
    if (revision !== collection.store.revision) {
      types = new Map();
      for (const parent of collection.store.parents()) {
        for (const chunk of collection.store.chunksOf(parent.id)) {
          const image = chunk.image;
          if (image && "ref" in image) types.set(image.ref, image.mediaType);
        }
      }
      revision = collection.store.revision;
    }
    return types;
  };
  return {
    resolver: collection.images,
    storedType: (ref) => storedTypes().get(ref),
    pageImagesOf: (document) => collection.pageImagesOf(document),
  };
}

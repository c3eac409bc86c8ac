import { type DocumentImage, HybridRagError, type StoredImageReference } from "@hybrid-rag/core";
import {
  decodeImage,
  type ImageLimits,
  type ImageTiles,
  imageTiles,
  type VisionInputFormat,
} from "@hybrid-rag/models";
import { float32Tensor } from "@hybrid-rag/models/internal";

/** A passage to score on a vision-language model: text, an image, or both. */
export interface PassageWithImage {
  readonly text: string;
  readonly image?: DocumentImage | undefined;
}

export interface ImageReadingOptions {
  /** Byte and pixel bounds checked before an image is decoded (see decodeImage). */
  readonly imageLimits?: ImageLimits;
  /**
   * Reads a stored image (a collection's content-addressed reference); without it, a passage
   * whose image is a reference is refused, naming it.
   */
  readonly resolveImage?: (image: StoredImageReference) => Promise<Uint8Array>;
}

/** Each passage's image as model tiles (undefined for text-only passages), in input order. */
export async function passageTiles(
  passages: readonly PassageWithImage[],
  format: VisionInputFormat,
  options: ImageReadingOptions,
): Promise<(ImageTiles | undefined)[]> {
  const tiles: (ImageTiles | undefined)[] = [];
  for (const [index, passage] of passages.entries()) {
    const image = passage.image;
    if (image === undefined) {
      tiles.push(undefined);
      continue;
    }
    const what = `passage ${index}'s image`;
    let bytes: Uint8Array;
    if ("data" in image) {
      bytes = image.data;
    } else if (options.resolveImage) {
      bytes = await options.resolveImage(image);
    } else {
      throw new HybridRagError(
        "invalid-argument",
        `${what} is a stored reference (${image.ref}) and no resolveImage was given; pass the collection's image reader as resolveImage, or inline the bytes.`,
        { details: { index } },
      );
    }
    tiles.push(imageTiles(await decodeImage(bytes, what, options.imageLimits ?? {}), format));
  }
  return tiles;
}

/**
 * The `pixel_values` feed of one model run: the rows' tiles in row order ([0, 3, s, s] when no
 * row has an image), matching the order the graph gives image tokens their features.
 */
export function pixelValuesFeed(
  rows: readonly { readonly tiles?: ImageTiles | undefined }[],
  format: VisionInputFormat,
): ReturnType<typeof float32Tensor> {
  const size = format.tileSize;
  const perTile = 3 * size * size;
  const count = rows.reduce((sum, row) => sum + (row.tiles?.count ?? 0), 0);
  const data = new Float32Array(count * perTile);
  let offset = 0;
  for (const row of rows) {
    if (row.tiles === undefined) continue;
    data.set(row.tiles.pixels, offset);
    offset += row.tiles.pixels.length;
  }
  return float32Tensor(data, [count, 3, size, size]);
}

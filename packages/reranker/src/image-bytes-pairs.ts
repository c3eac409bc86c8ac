import { HybridRagError } from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";
import {
  closestTileGrid,
  decodeImage,
  type ImageLimits,
  type ImageTiles,
  imageTiles,
  type TextTokenizer,
  type VisionInputFormat,
} from "@hybrid-rag/models";
import type { TruncateMode } from "./cross-encoder-options.ts";
import type { EncodedPair, QueryPassagePair } from "./encode-pairs.ts";
import { encodeImageTokenPairs } from "./encode-vision-pairs.ts";

/** A (query, passage) pair whose passage may carry an image file (PNG, JPEG, WebP, GIF, BMP, TIFF). */
export interface ImageBytesPair extends QueryPassagePair {
  readonly image?: { readonly data: Uint8Array } | undefined;
}

/**
 * A passage image kept as its file until the model run that reads it: what its tokens stand for
 * (`tiles`), the raster it decoded to at tokenisation (`width` × `height`, checked again then).
 */
export interface PendingImage {
  readonly data: Uint8Array;
  readonly tiles: number;
  readonly width: number;
  readonly height: number;
  /** The passage's index in the caller's list, for messages. */
  readonly index: number;
}

/** A pair tokenised with its image tokens in place; its image is decoded by its model run. */
export interface ImageBytesEncodedPair extends EncodedPair {
  readonly image: PendingImage | undefined;
}

export interface TokenizeImagePairsOptions {
  readonly truncate?: TruncateMode;
  /** Byte and pixel bounds checked before an image is decoded (see decodeImage). */
  readonly imageLimits?: ImageLimits;
  /** Index of pairs[0] in the caller's list, for messages. */
  readonly firstIndex?: number;
  readonly signal?: AbortSignal;
}

/** The `details.problem` of the error for an image that cannot be decoded (a client's bad bytes). */
export const undecodableImage = "undecodable-image";

/**
 * Tokenises pairs for a vision-language cross-encoder without keeping any image decoded: each
 * image is decoded once here (so bad bytes are refused now, naming the passage, and its tile
 * grid is known), counted in tiles and dropped; its model run decodes it again
 * (`pendingImageTiles`). Memory stays at one raster at a time, whatever the list's length.
 */
export async function tokenizeImageBytesPairs(
  tokenizer: TextTokenizer,
  format: VisionInputFormat,
  template: string,
  pairs: readonly ImageBytesPair[],
  maxLength: number,
  options: TokenizeImagePairsOptions = {},
): Promise<ImageBytesEncodedPair[]> {
  const firstIndex = options.firstIndex ?? 0;
  const images: (PendingImage | undefined)[] = [];
  for (const [position, pair] of pairs.entries()) {
    if (pair.image === undefined) {
      images.push(undefined);
      continue;
    }
    throwIfAborted(options.signal, "tokenising image passages");
    const index = firstIndex + position;
    const { data } = pair.image;
    const raster = await decodeNamed(data, index, options.imageLimits ?? {});
    const tiles = tileCount(raster.width, raster.height, format);
    images.push({ data, tiles, width: raster.width, height: raster.height, index });
  }
  const encoded = encodeImageTokenPairs(
    tokenizer,
    format,
    template,
    pairs.map(({ query, passage, maxPassageTokens }, position) => ({
      query,
      passage,
      maxPassageTokens,
      tileCount: images[position]?.tiles ?? 0,
    })),
    maxLength,
    options.truncate ?? "END",
    firstIndex,
  );
  return encoded.map((pair, position) => ({ ...pair, image: images[position] }));
}

/**
 * The tiles of one model run's pending images, decoded now, in row order (undefined for rows
 * without one). A decoded image whose tiles differ from its tokens is refused (its features
 * would have no place).
 */
export async function pendingImageTiles(
  rows: readonly { readonly image?: PendingImage | undefined }[],
  format: VisionInputFormat,
): Promise<(ImageTiles | undefined)[]> {
  const tiles: (ImageTiles | undefined)[] = [];
  for (const { image } of rows) {
    if (image === undefined) {
      tiles.push(undefined);
      continue;
    }
    const raster = await decodeNamed(image.data, image.index, {
      maxBytes: image.data.byteLength,
      maxPixels: image.width * image.height,
    });
    const cut = imageTiles(raster, format);
    if (cut.count !== image.tiles) {
      throw new HybridRagError(
        "corrupt-data",
        `Passage ${image.index}'s image decoded to ${cut.count} tiles where its tokens stand for ${image.tiles}; tokenise pairs with the same model that scores them.`,
        { details: { index: image.index } },
      );
    }
    tiles.push(cut);
  }
  return tiles;
}

/**
 * Tiles NVIDIA's processor cuts a width × height image into (imageTiles without the pixels):
 * the closest grid, plus the thumbnail when the grid has more than one tile.
 */
export function tileCount(width: number, height: number, format: VisionInputFormat): number {
  if (!format.dynamicTiling) return 1;
  const [columns, rows] = closestTileGrid(width, height, format.maxTiles, format.tileSize);
  const grid = columns * rows;
  return format.useThumbnail && grid !== 1 ? grid + 1 : grid;
}

async function decodeNamed(data: Uint8Array, index: number, limits: ImageLimits) {
  try {
    return await decodeImage(data, `passage ${index}'s image`, limits);
  } catch (error) {
    if (!HybridRagError.isInstance(error)) throw error;
    throw new HybridRagError(error.code, error.message, {
      cause: error,
      details: { index, problem: undecodableImage },
    });
  }
}

import { type DocumentImage, HybridRagError, type StoredImageReference } from "@hybrid-rag/core";
import { assertStrings, throwIfAborted } from "@hybrid-rag/core/internal";
import {
  decodeImage,
  type ImageLimits,
  type ImageTiles,
  imageTiles,
  type ModelDirectory,
  type VisionInputFormat,
} from "@hybrid-rag/models";
import { float32Tensor } from "@hybrid-rag/models/internal";
import type { TruncateMode } from "./cross-encoder-options.ts";
import type { EncodedPair, QueryPassagePair } from "./encode-pairs.ts";
import { encodeVisionPairs, type VisionEncodedPair } from "./encode-vision-pairs.ts";

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

/**
 * The passages with every stored image reference read into inline bytes (through
 * `resolveImage`), so that they can cross to a worker thread, which has no resolver. A passage
 * without an image, or with inline bytes, is passed as it is.
 */
export async function inlinePassageImages(
  passages: readonly PassageWithImage[],
  options: ImageReadingOptions,
): Promise<PassageWithImage[]> {
  const inlined: PassageWithImage[] = [];
  for (const [index, passage] of passages.entries()) {
    const image = passage.image;
    inlined.push(
      image === undefined || "data" in image
        ? passage
        : {
            text: passage.text,
            image: { mediaType: image.mediaType, data: await imageBytes(image, index, options) },
          },
    );
  }
  return inlined;
}

async function imageBytes(
  image: DocumentImage,
  index: number,
  options: ImageReadingOptions,
): Promise<Uint8Array> {
  if ("data" in image) return image.data;
  if (options.resolveImage) return options.resolveImage(image);
  throw new HybridRagError(
    "invalid-argument",
    `passage ${index}'s image is a stored reference (${image.ref}) and no resolveImage was given; pass the collection's image reader as resolveImage, or inline the bytes.`,
    { details: { index } },
  );
}

/** Each passage's image as model tiles (undefined for text-only passages), in input order. */
export async function passageTiles(
  passages: readonly PassageWithImage[],
  format: VisionInputFormat,
  options: ImageReadingOptions,
  /** Index of passages[0] in the caller's list, for messages. */
  firstIndex = 0,
): Promise<(ImageTiles | undefined)[]> {
  const tiles: (ImageTiles | undefined)[] = [];
  for (const [position, passage] of passages.entries()) {
    const index = firstIndex + position;
    const image = passage.image;
    if (image === undefined) {
      tiles.push(undefined);
      continue;
    }
    const what = `passage ${index}'s image`;
    const bytes = await imageBytes(image, index, options);
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

/** What encodePassages needs of a CrossEncoder. */
export interface PassageEncoding {
  readonly model: ModelDirectory;
  readonly maxLength: number;
  readonly pairTemplate: string | undefined;
  tokenizePairs(
    pairs: readonly QueryPassagePair[],
    options: { readonly truncate?: TruncateMode },
  ): EncodedPair[];
}

/**
 * CrossEncoder.encodePassages: on a vision-language model, images decoded and tiled and NVIDIA's
 * image tokens placed; on a text model, the texts paired as usual, and `unsupported` naming the
 * first passage with an image. `firstIndex` is passages[0]'s index in the caller's list.
 */
export async function encodePassages(
  encoder: PassageEncoding,
  query: string,
  passages: readonly PassageWithImage[],
  options: ImageReadingOptions & {
    readonly truncate?: TruncateMode;
    readonly signal?: AbortSignal;
  },
  firstIndex: number,
): Promise<VisionEncodedPair[]> {
  assertStrings([query], "cross-encoder query");
  assertStrings(
    passages.map((passage) => passage?.text),
    "cross-encoder passage texts",
  );
  const vision = encoder.model.builtGraph?.vision;
  if (vision === undefined) {
    const position = passages.findIndex((passage) => passage.image !== undefined);
    if (position >= 0) {
      const index = firstIndex + position;
      throw new HybridRagError(
        "unsupported",
        `${encoder.model.source} reads text only, and passage ${index} has an image; rerank images with a vision-language model (llama-nemotron-rerank-vl-1b-v2).`,
        { details: { index } },
      );
    }
    return encoder
      .tokenizePairs(
        passages.map((passage) => ({ query, passage: passage.text })),
        options.truncate === undefined ? {} : { truncate: options.truncate },
      )
      .map((pair) => ({ ...pair, tiles: undefined }));
  }
  throwIfAborted(options.signal, "cross-encoder scoring");
  const tiles = await passageTiles(passages, vision, options, firstIndex);
  return encodeVisionPairs(
    encoder.model.tokenizer,
    vision,
    encoder.pairTemplate ?? "{query} \n {passage}",
    passages.map((passage, index) => ({ query, passage: passage.text, tiles: tiles[index] })),
    encoder.maxLength,
    options.truncate ?? "END",
    firstIndex,
  );
}

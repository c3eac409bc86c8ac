import { HybridRagError } from "@hybrid-rag/core";
import type { Sharp } from "sharp";
import { decodeBmp } from "./decode-bmp.ts";
import type { RgbImage } from "./pil-bicubic-resize.ts";

/** Bounds on an image before it is decoded: bytes of the file and pixels of the raster. */
export interface ImageLimits {
  /** Default 32 MiB. */
  readonly maxBytes?: number;
  /** Default 40 megapixels (a US-letter page at 600 dpi is 33.7). */
  readonly maxPixels?: number;
}

export const defaultImageLimits = { maxBytes: 32 * 1024 * 1024, maxPixels: 40_000_000 } as const;

/** The formats decodeImage reads, by their magic bytes. */
export type DecodableImageFormat = "png" | "jpeg" | "webp" | "gif" | "bmp" | "tiff";

/** The format the bytes start with, or undefined when they are none we decode. */
export function sniffImageFormat(bytes: Uint8Array): DecodableImageFormat | undefined {
  const starts = (...values: number[]): boolean =>
    values.every((value, index) => bytes[index] === value);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  ) {
    return "webp";
  }
  if (starts(0x47, 0x49, 0x46, 0x38)) return "gif";
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return "tiff";
  if (starts(0x42, 0x4d)) return "bmp";
  return undefined;
}

/**
 * Decodes an image to 8-bit RGB (alpha dropped, as PIL's convert("RGB"); the first frame of an
 * animation) with sharp (libvips, prebuilt binaries); BMP, which libvips cannot read, is unpacked
 * by decodeBmp and handed to sharp as raw pixels. The format is checked by magic bytes and
 * the byte and pixel budgets before any pixel is decoded; what is wrong is `invalid-argument`
 * naming `what` (e.g. "passage 3's image").
 */
export async function decodeImage(
  bytes: Uint8Array,
  what: string,
  limits: ImageLimits = {},
): Promise<RgbImage> {
  const maxBytes = limits.maxBytes ?? defaultImageLimits.maxBytes;
  const maxPixels = limits.maxPixels ?? defaultImageLimits.maxPixels;
  if (bytes.byteLength > maxBytes) {
    throw new HybridRagError(
      "invalid-argument",
      `${what} is ${bytes.byteLength} bytes, over the limit of ${maxBytes}; send a smaller image or raise maxBytes.`,
    );
  }
  const format = sniffImageFormat(bytes);
  if (format === undefined) {
    const head = Array.from(bytes.subarray(0, 8), (byte) =>
      byte.toString(16).padStart(2, "0"),
    ).join(" ");
    throw new HybridRagError(
      "invalid-argument",
      `${what} is not a PNG, JPEG, WebP, GIF, BMP or TIFF image (it starts with bytes ${head || "(none)"}); convert it to PNG or JPEG.`,
    );
  }
  // Loaded on first use: text-only users of @hybrid-rag/models never load the native module.
  const { default: sharp } = await import("sharp");
  let decoder: Sharp;
  let width: number;
  let height: number;
  try {
    // The header first (no pixels decoded), so an over-size image is refused with its size;
    // sharp's own pixel limit stays on the decoder as a second guard.
    if (format === "bmp") {
      const raw = decodeBmp(bytes, what, maxPixels);
      decoder = sharp(raw.data, {
        raw: { width: raw.width, height: raw.height, channels: raw.channels },
      });
      ({ width, height } = raw);
    } else {
      const metadata = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
      decoder = sharp(bytes, { limitInputPixels: maxPixels, pages: 1, failOn: "error" });
      width = metadata.width;
      height = metadata.height;
    }
  } catch (error) {
    if (HybridRagError.isInstance(error)) throw error;
    throw new HybridRagError(
      "invalid-argument",
      `${what} (${format}) cannot be decoded: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
  if (!(width > 0 && height > 0) || width * height > maxPixels) {
    throw new HybridRagError(
      "invalid-argument",
      `${what} is ${width}×${height} pixels, over the limit of ${maxPixels}; send a smaller image or raise maxPixels.`,
    );
  }
  try {
    const { data, info } = await decoder
      .toColourspace("srgb")
      .removeAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (error) {
    throw new HybridRagError(
      "invalid-argument",
      `${what} (${format}) cannot be decoded: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
}

import type { ImageMediaType } from "../document.ts";

/** An image's size in pixels, as its header states it. */
export interface ImageDimensions {
  readonly width: number;
  readonly height: number;
}

/**
 * Reads the pixel size from an image's header without decoding it (PNG IHDR, JPEG SOFn, GIF
 * logical screen, BMP info header, WebP VP8/VP8L/VP8X, TIFF first IFD), so pixel budgets are
 * checked before any decoder allocates. Undefined when the header is cut short or malformed.
 */
export function readImageDimensions(
  bytes: Uint8Array,
  mediaType: ImageMediaType,
): ImageDimensions | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const valid = (width: number, height: number) =>
    width > 0 && height > 0 ? { width, height } : undefined;
  try {
    switch (mediaType) {
      case "image/png":
        return valid(view.getUint32(16), view.getUint32(20));
      case "image/gif":
        return valid(view.getUint16(6, true), view.getUint16(8, true));
      case "image/bmp":
        // BITMAPCOREHEADER (12 bytes) holds 16-bit sizes; the others 32-bit, height negative
        // for top-down bitmaps.
        if (view.getUint32(14, true) === 12) {
          return valid(view.getUint16(18, true), Math.abs(view.getInt16(20, true)));
        }
        return valid(Math.abs(view.getInt32(18, true)), Math.abs(view.getInt32(22, true)));
      case "image/jpeg":
        return jpegDimensions(view, valid);
      case "image/webp":
        return webpDimensions(view, valid);
      case "image/tiff":
        return tiffDimensions(view, valid);
    }
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

type Valid = (width: number, height: number) => ImageDimensions | undefined;

/** Walks the JPEG segments to the first start-of-frame marker (SOF0..SOF15 but DHT, JPG, DAC). */
function jpegDimensions(view: DataView, valid: Valid): ImageDimensions | undefined {
  let offset = 2;
  while (offset + 4 <= view.byteLength) {
    if (view.getUint8(offset) !== 0xff) return undefined;
    const marker = view.getUint8(offset + 1);
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    const length = view.getUint16(offset + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return valid(view.getUint16(offset + 7), view.getUint16(offset + 5));
    if (length < 2) return undefined;
    offset += 2 + length;
  }
  return undefined;
}

function webpDimensions(view: DataView, valid: Valid): ImageDimensions | undefined {
  const chunk = String.fromCharCode(
    view.getUint8(12),
    view.getUint8(13),
    view.getUint8(14),
    view.getUint8(15),
  );
  if (chunk === "VP8X") {
    const uint24 = (at: number) => view.getUint16(at, true) | (view.getUint8(at + 2) << 16);
    const width = 1 + uint24(24);
    const height = 1 + uint24(27);
    return valid(width, height);
  }
  if (chunk === "VP8L") {
    const bits = view.getUint32(21, true);
    return valid((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8 ") {
    return valid(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  return undefined;
}

function tiffDimensions(view: DataView, valid: Valid): ImageDimensions | undefined {
  const little = view.getUint8(0) === 0x49;
  const ifd = view.getUint32(4, little);
  const entries = view.getUint16(ifd, little);
  let width: number | undefined;
  let height: number | undefined;
  for (let entry = 0; entry < entries; entry++) {
    const at = ifd + 2 + entry * 12;
    const tag = view.getUint16(at, little);
    if (tag !== 256 && tag !== 257) continue;
    const type = view.getUint16(at + 2, little);
    // SHORT (3) or LONG (4), stored in the entry's value field.
    const value = type === 3 ? view.getUint16(at + 8, little) : view.getUint32(at + 8, little);
    if (tag === 256) width = value;
    else height = value;
  }
  return width === undefined || height === undefined ? undefined : valid(width, height);
}

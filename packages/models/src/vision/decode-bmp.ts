import { HybridRagError } from "@hybrid-rag/core";

/** Pixels of a decoded BMP, row-major, top row first, 3 (RGB) or 4 (RGBA) bytes a pixel. */
export interface RawBmpImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Uint8Array;
}

const compressionNames: Record<number, string> = {
  0: "BI_RGB",
  1: "BI_RLE8",
  2: "BI_RLE4",
  3: "BI_BITFIELDS",
  4: "BI_JPEG",
  5: "BI_PNG",
  6: "BI_ALPHABITFIELDS",
};

/**
 * Decodes an uncompressed Windows bitmap (BITMAPCOREHEADER, BITMAPINFOHEADER and its V2–V5
 * extensions; 1/4/8-bit palettes, 16/24/32-bit with default or BI_BITFIELDS masks, bottom-up
 * or top-down). sharp (libvips) has no BMP loader, so the pixels are read here and handed to
 * sharp raw. The header's size is checked against `maxPixels` and the file's length before
 * anything is allocated; what is wrong is `invalid-argument` naming `what`.
 */
export function decodeBmp(bytes: Uint8Array, what: string, maxPixels: number): RawBmpImage {
  const fail = (problem: string): never => {
    throw new HybridRagError("invalid-argument", `${what} (bmp) cannot be decoded: ${problem}.`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, part: string): void => {
    if (end > bytes.byteLength) {
      fail(`the file is truncated (${bytes.byteLength} bytes; its ${part} needs ${end})`);
    }
  };
  need(18, "header");
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && ![40, 52, 56, 108, 124].includes(headerSize)) {
    fail(
      `its DIB header has ${headerSize} bytes, none of the Windows bitmap headers (12, 40, 52, 56, 108, 124); convert it to PNG`,
    );
  }
  need(14 + headerSize, "header");
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const signedHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? 0 : view.getUint32(30, true);
  const height = Math.abs(signedHeight);
  if (!(width > 0 && height > 0)) fail(`its header says ${width}×${signedHeight} pixels`);
  if (width * height > maxPixels) {
    throw new HybridRagError(
      "invalid-argument",
      `${what} is ${width}×${height} pixels, over the limit of ${maxPixels}; send a smaller image or raise maxPixels.`,
    );
  }
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) {
    fail(`${bitsPerPixel} bits per pixel is not a bitmap depth (1, 4, 8, 16, 24 or 32)`);
  }
  const bitfields = compression === 3 || compression === 6;
  if (compression !== 0 && !(bitfields && (bitsPerPixel === 16 || bitsPerPixel === 32))) {
    const name = compressionNames[compression] ?? `compression ${compression}`;
    fail(
      `${name} at ${bitsPerPixel} bits per pixel is not decoded here (uncompressed and BI_BITFIELDS bitmaps are); save it as PNG or as an uncompressed BMP`,
    );
  }
  const masks = bitfields
    ? readMasks(view, headerSize, compression === 6, need)
    : defaultMasks(bitsPerPixel);
  const palette =
    bitsPerPixel <= 8 ? readPalette(view, headerSize, bitsPerPixel, pixelOffset, need) : [];
  const stride = Math.ceil((bitsPerPixel * width) / 32) * 4;
  need(pixelOffset + stride * height, `${width}×${height} pixels at ${bitsPerPixel} bits`);
  const channels = masks !== undefined && masks[3] !== 0 ? 4 : 3;
  const data = new Uint8Array(width * height * channels);
  const topDown = signedHeight < 0;
  for (let row = 0; row < height; row += 1) {
    const source = pixelOffset + (topDown ? row : height - 1 - row) * stride;
    let target = row * width * channels;
    for (let column = 0; column < width; column += 1, target += channels) {
      if (bitsPerPixel <= 8) {
        const bit = column * bitsPerPixel;
        const byte = bytes[source + (bit >> 3)]!;
        const index = (byte >> (8 - bitsPerPixel - (bit & 7))) & ((1 << bitsPerPixel) - 1);
        const colour = palette[index];
        if (colour === undefined) {
          fail(
            `pixel (${column}, ${row}) uses colour ${index} of a ${palette.length}-colour palette`,
          );
        }
        data.set(colour as readonly number[], target);
      } else if (bitsPerPixel === 24) {
        const at = source + column * 3;
        data[target] = bytes[at + 2]!;
        data[target + 1] = bytes[at + 1]!;
        data[target + 2] = bytes[at]!;
      } else {
        const at = source + column * (bitsPerPixel / 8);
        const pixel = bitsPerPixel === 16 ? view.getUint16(at, true) : view.getUint32(at, true);
        for (let channel = 0; channel < channels; channel += 1) {
          data[target + channel] = scaledChannel(pixel, masks![channel]!);
        }
      }
    }
  }
  return { width, height, channels, data };
}

type Masks = readonly [red: number, green: number, blue: number, alpha: number];

/** BI_RGB's masks: 16-bit is 5-5-5, 32-bit is BGRX (its fourth byte is not alpha). */
function defaultMasks(bitsPerPixel: number): Masks | undefined {
  if (bitsPerPixel === 16) return [0x7c00, 0x03e0, 0x001f, 0];
  if (bitsPerPixel === 32) return [0xff0000, 0xff00, 0xff, 0];
  return undefined;
}

function readMasks(
  view: DataView,
  headerSize: number,
  alphaInFile: boolean,
  need: (end: number, part: string) => void,
): Masks {
  // BITMAPINFOHEADER puts the masks after itself; V2 and later hold them (V3+ with alpha).
  const count = headerSize >= 56 || (headerSize === 40 && alphaInFile) ? 4 : 3;
  need(54 + count * 4, "colour masks");
  const mask = (index: number): number =>
    index < count ? view.getUint32(54 + index * 4, true) : 0;
  return [mask(0), mask(1), mask(2), mask(3)];
}

function readPalette(
  view: DataView,
  headerSize: number,
  bitsPerPixel: number,
  pixelOffset: number,
  need: (end: number, part: string) => void,
): (readonly number[])[] {
  const core = headerSize === 12;
  const entrySize = core ? 3 : 4;
  const start = 14 + headerSize;
  const full = 1 << bitsPerPixel;
  // The core header has no colour count: its palette fills the gap before the pixels.
  const used = core ? Math.floor((pixelOffset - start) / entrySize) : view.getUint32(46, true);
  const count = used <= 0 || used > full ? full : used;
  need(start + count * entrySize, `${count}-colour palette`);
  return Array.from({ length: count }, (_, index) => {
    const at = start + index * entrySize;
    return [view.getUint8(at + 2), view.getUint8(at + 1), view.getUint8(at)];
  });
}

/** A masked channel scaled to 8 bits as Pillow's unpackers do (value × 255 / max, floored). */
function scaledChannel(pixel: number, mask: number): number {
  if (mask === 0) return 0;
  const shift = Math.clz32(0) - Math.clz32(mask & -mask) - 1;
  const max = mask >>> shift;
  return Math.floor((((pixel & mask) >>> shift) * 255) / max);
}

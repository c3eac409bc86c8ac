import { crc32, deflateSync } from "node:zlib";
import type { ImageMediaType } from "../document.ts";

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A real, decodable grey-scale PNG of `width` × `height` pixels of noise drawn from `seed`
 * (different seeds, different images; about one byte per pixel). For tests that send images.
 */
export function tinyPng(width = 2, height = 2, seed = 0): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey-scale
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // A hash per pixel: noise deflate cannot shrink, so byte sizes follow the pixel count.
      const hash =
        Math.imul(x + 1, 0x9e3779b1) ^
        Math.imul(y + 1, 0x85ebca77) ^
        Math.imul(seed + 1, 0xc2b2ae3d);
      rows[y * (width + 1) + 1 + x] = (Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 24) & 0xff;
    }
  }
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk("IHDR", header),
      pngChunk("IDAT", deflateSync(rows)),
      pngChunk("IEND", new Uint8Array(0)),
    ]),
  );
}

/**
 * The first bytes of an image of each recognised format stating `width` × `height` pixels
 * (headers as the formats' specifications lay them out; only PNG is a whole decodable image).
 */
export function imageHeaderSamples(
  width: number,
  height: number,
): Readonly<Record<ImageMediaType, Uint8Array>> {
  const jpeg = Buffer.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x10,
    ...Buffer.from("JFIF\0"),
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
  ]);
  const gif = Buffer.alloc(13);
  gif.write("GIF89a", 0, "latin1");
  gif.writeUInt16LE(width, 6);
  gif.writeUInt16LE(height, 8);
  const bmp = Buffer.alloc(54);
  bmp.write("BM", 0, "latin1");
  bmp.writeUInt32LE(54, 2);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(-height, 22); // top-down
  const webp = Buffer.alloc(30);
  webp.write("RIFF", 0, "latin1");
  webp.writeUInt32LE(22, 4);
  webp.write("WEBPVP8X", 8, "latin1");
  webp.writeUInt32LE(10, 16);
  webp.writeUIntLE(width - 1, 24, 3);
  webp.writeUIntLE(height - 1, 27, 3);
  const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(2, 8);
  for (const [entry, [tag, value]] of [
    [256, width],
    [257, height],
  ].entries()) {
    const at = 10 + entry * 12;
    tiff.writeUInt16LE(tag!, at);
    tiff.writeUInt16LE(4, at + 2); // LONG
    tiff.writeUInt32LE(1, at + 4);
    tiff.writeUInt32LE(value!, at + 8);
  }
  return {
    "image/png": tinyPng(width, height),
    "image/jpeg": new Uint8Array(jpeg),
    "image/webp": new Uint8Array(webp),
    "image/gif": new Uint8Array(gif),
    "image/bmp": new Uint8Array(bmp),
    "image/tiff": new Uint8Array(tiff),
  };
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DocumentImage } from "@hybrid-rag/core";
import {
  bmpVariants,
  createVisionRerankerDirectory,
  encodeTestBmp,
} from "@hybrid-rag/models/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCrossEncoder } from "./cross-encoder.ts";

// Every format NIM's VLM contract recognises reaches the model as the same pixels: a picture
// sent as BMP (each layout real files use), lossless WebP, GIF or TIFF scores exactly as the
// same picture sent as PNG, on the in-process VLM family (tiny random weights).

const query = "which quarter had the highest revenue?";
const [width, height] = [45, 31]; // odd: BMP row padding, sub-byte palettes; 2×2 tiles + thumbnail

let root: string;
let encoder: Awaited<ReturnType<typeof createCrossEncoder>>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vision-image-formats-"));
  const directory = join(root, "model");
  await createVisionRerankerDirectory(directory);
  encoder = await createCrossEncoder({
    model: directory,
    hub: { graphCacheDirectory: join(root, "cache"), onGraph: () => {} },
    executionProvider: "cpu",
    maxLength: 256,
  });
});
afterAll(async () => {
  await encoder?.release();
  await rm(root, { recursive: true, force: true });
});

async function logits(images: DocumentImage[]): Promise<number[]> {
  const scores = await encoder.scorePassages(
    query,
    images.map((image) => ({ text: "Figure 2: quarterly revenue", image })),
  );
  return Array.from(scores);
}

describe("the in-process VLM reranker on every recognised image format", {
  timeout: 120_000,
}, () => {
  it.each(bmpVariants)("scores a %s BMP exactly as the same picture in PNG", async (variant) => {
    const { bmp, rgb } = encodeTestBmp(variant, width, height, 29);
    const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    const [fromBmp, fromPng] = await logits([
      { mediaType: "image/bmp", data: bmp },
      { mediaType: "image/png", data: png },
    ]);
    expect(Number.isFinite(fromPng)).toBe(true);
    expect(fromBmp).toBe(fromPng);
  });

  it("scores lossless WebP, GIF (first frame) and TIFF exactly as PNG", async () => {
    // Channels 0 or 255 (8 colours): GIF's quantiser (libimagequant) keeps those exact, so
    // every format is lossless (mid levels come back off by one); TIFF written LZW, not
    // sharp's default JPEG compression.
    const { rgb } = encodeTestBmp("rgb-24", width, height, 31);
    const levels = rgb.map((value) => (value & 0x80 ? 255 : 0));
    const picture = () => sharp(levels, { raw: { width, height, channels: 3 } });
    const other = await sharp(Buffer.alloc(width * height * 3, 200), {
      raw: { width, height, channels: 3 },
    })
      .png()
      .toBuffer();
    const gif = await sharp([await picture().png().toBuffer(), other], { join: { animated: true } })
      .gif({ effort: 1, dither: 0 })
      .toBuffer();
    const [png, ...others] = await logits([
      { mediaType: "image/png", data: await picture().png().toBuffer() },
      { mediaType: "image/webp", data: await picture().webp({ lossless: true }).toBuffer() },
      { mediaType: "image/gif", data: gif },
      { mediaType: "image/tiff", data: await picture().tiff({ compression: "lzw" }).toBuffer() },
    ]);
    expect({ webp: others[0], gif: others[1], tiff: others[2] }).toEqual({
      webp: png,
      gif: png,
      tiff: png,
    });
  });

  it("refuses a truncated BMP naming the passage and what to do", async () => {
    const { bmp } = encodeTestBmp("palette-4", width, height);
    await expect(
      encoder.scorePassages(query, [
        { text: "fine" },
        { text: "", image: { mediaType: "image/bmp", data: bmp.subarray(0, 100) } },
      ]),
    ).rejects.toThrow(/^passage 1's image \(bmp\) cannot be decoded: the file is truncated/);
  });
});

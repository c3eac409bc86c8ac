import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import fc from "fast-check";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { referencePython } from "../graph/testing/torch-reference.ts";
import { bmpVariants, encodeTestBmp } from "../testing/encode-bmp.ts";
import { decodeImage } from "./decode-image.ts";

const pilAvailable = spawnSync(referencePython, ["-c", "import PIL"]).status === 0;
if (!pilAvailable && process.env.CI) throw new Error("CI needs python3-pil (.ci/system-packages)");

async function png(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

async function refusal(bytes: Uint8Array, maxPixels?: number): Promise<HybridRagError> {
  const error = await decodeImage(bytes, "passage 7's image", maxPixels ? { maxPixels } : {}).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!HybridRagError.isInstance(error)) throw new Error(`expected a HybridRagError, got ${error}`);
  expect(error.code).toBe("invalid-argument");
  expect(error.message).toContain("passage 7's image");
  return error;
}

describe("BMP decoding", () => {
  it.each(bmpVariants)("decodes %s to the pixels of the same picture as PNG", async (variant) => {
    const [width, height] = [13, 7]; // odd width: row padding and sub-byte pixels
    const { bmp, rgb } = encodeTestBmp(variant, width, height, 11);
    const fromBmp = await decodeImage(bmp, variant);
    const fromPng = await decodeImage(await png(rgb, width, height), variant);
    expect([fromBmp.width, fromBmp.height]).toEqual([width, height]);
    expect(Buffer.from(fromBmp.data).equals(Buffer.from(fromPng.data))).toBe(true);
  });

  it.skipIf(!pilAvailable)("decodes every variant exactly as Pillow does", async () => {
    const directory = await mkdtemp(join(tmpdir(), "decode-bmp-"));
    try {
      const paths: string[] = [];
      const ours: number[][] = [];
      for (const variant of bmpVariants) {
        const { bmp } = encodeTestBmp(variant, 9, 5, 3);
        const path = join(directory, `${variant}.bmp`);
        await writeFile(path, bmp);
        paths.push(path);
        ours.push(Array.from((await decodeImage(bmp, variant)).data));
      }
      const script =
        "import json,sys\nfrom PIL import Image\n" +
        "print(json.dumps([list(Image.open(p).convert('RGB').tobytes()) for p in sys.argv[1:]]))";
      const run = spawnSync(referencePython, ["-c", script, ...paths], { encoding: "utf8" });
      expect(run.stderr).toBe("");
      expect(ours).toEqual(JSON.parse(run.stdout));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("refuses an over-budget size from the header before reading pixels, naming the image", async () => {
    const { bmp } = encodeTestBmp("rgb-24", 4, 4);
    const view = new DataView(bmp.buffer);
    view.setInt32(18, 100_000, true);
    view.setInt32(22, -100_000, true); // 10 gigapixels claimed by a 100-byte file
    const error = await refusal(bmp);
    expect(error.message).toMatch(/100000×100000 pixels, over the limit of 40000000/);
  });

  it("refuses truncated pixels, RLE compression and impossible depths with what to do", async () => {
    const { bmp } = encodeTestBmp("palette-8", 16, 16);
    expect((await refusal(bmp.subarray(0, bmp.length - 5))).message).toMatch(/truncated/);
    expect((await refusal(bmp.subarray(0, 20))).message).toMatch(/truncated/);
    const rle = bmp.slice();
    new DataView(rle.buffer).setUint32(30, 1, true);
    expect((await refusal(rle)).message).toMatch(
      /BI_RLE8 .* save it as PNG or as an uncompressed BMP/,
    );
    const depth = bmp.slice();
    new DataView(depth.buffer).setUint16(28, 7, true);
    expect((await refusal(depth)).message).toMatch(/7 bits per pixel/);
    const header = bmp.slice();
    new DataView(header.buffer).setUint32(14, 64, true); // OS/2 2.x
    expect((await refusal(header)).message).toMatch(/DIB header has 64 bytes/);
  });

  it("never crashes nor decodes past the pixel budget on truncated or corrupted files", async () => {
    const maxPixels = 300;
    const samples = bmpVariants.map((variant) => encodeTestBmp(variant, 17, 9, 5).bmp);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (which, corruptions, cut) => {
          const bytes = samples[which]!.slice();
          for (const [at, value] of corruptions) bytes[at % 70] = value; // headers and palettes
          const input = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
          try {
            const image = await decodeImage(input, "passage 7's image", { maxPixels });
            expect(image.width * image.height).toBeLessThanOrEqual(maxPixels);
            expect(image.data.length).toBe(image.width * image.height * 3);
          } catch (error) {
            expect(HybridRagError.isInstance(error)).toBe(true);
            expect((error as HybridRagError).message).toContain("passage 7's image");
          }
        },
      ),
      { numRuns: 400, seed: 22 },
    );
  });
});

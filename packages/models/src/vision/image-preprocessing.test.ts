import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HybridRagError } from "@hybrid-rag/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTestImages } from "../graph/testing/test-images.ts";
import { referencePython, skipWithoutTorch } from "../graph/testing/torch-reference.ts";
import { decodeImage, sniffImageFormat } from "./decode-image.ts";
import { closestTileGrid } from "./image-tiles.ts";
import { resizeBicubic } from "./pil-bicubic-resize.ts";

// The TypeScript preprocessing against PIL (python3-pil, what NVIDIA's processor uses):
// Pillow's bicubic bit for bit, the tile grid NVIDIA's find_closest_aspect_ratio picks, and
// decoded pixels (PNG exact; JPEG within a documented tolerance: two libjpeg builds).
const script = fileURLToPath(new URL("../../reference/pil_images.py", import.meta.url));
const pilAvailable = spawnSync(referencePython, ["-c", "import PIL"]).status === 0;
const skip = skipWithoutTorch("the PIL comparison of the image preprocessing") || !pilAvailable;
if (!pilAvailable && process.env.CI) throw new Error("CI needs python3-pil (.ci/system-packages)");

function pil(request: object): {
  decoded: { width: number; height: number; data: number[] }[];
  resized: number[][];
  grids: [number, number][];
} {
  const run = spawnSync(referencePython, [script], {
    input: JSON.stringify(request),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`reference/pil_images.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

let root: string;
let images: Awaited<ReturnType<typeof writeTestImages>>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "image-preprocessing-"));
  images = await writeTestImages(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("image preprocessing", () => {
  it("recognises formats by their magic bytes, not by the media type", () => {
    const bytes = (...values: number[]) => new Uint8Array([...values, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(sniffImageFormat(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe("png");
    expect(sniffImageFormat(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("jpeg");
    expect(sniffImageFormat(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "))).toBe("webp");
    expect(sniffImageFormat(new TextEncoder().encode("GIF89a"))).toBe("gif");
    expect(sniffImageFormat(bytes(0x49, 0x49, 0x2a, 0x00))).toBe("tiff");
    expect(sniffImageFormat(new TextEncoder().encode("<svg xmlns="))).toBeUndefined();
    expect(sniffImageFormat(new Uint8Array())).toBeUndefined();
  });

  it("refuses over-size, unknown and truncated images before decoding pixels, naming them", async () => {
    const png = await readFile(images.wide);
    const refused = async (bytes: Uint8Array, limits = {}): Promise<HybridRagError> => {
      const error = await decodeImage(bytes, "page 3's image", limits).catch((caught) => caught);
      expect(error).toBeInstanceOf(HybridRagError);
      expect((error as HybridRagError).code).toBe("invalid-argument");
      return error as HybridRagError;
    };
    expect((await refused(png, { maxBytes: 100 })).message).toMatch(
      /page 3's image is \d+ bytes, over the limit of 100/,
    );
    expect((await refused(png, { maxPixels: 2000 })).message).toMatch(
      /83×29 pixels, over the limit of 2000/,
    );
    expect((await refused(new TextEncoder().encode("%PDF-1.7"))).message).toMatch(
      /not a PNG, JPEG/,
    );
    expect((await refused(png.subarray(0, 60))).message).toMatch(/\(png\) cannot be decoded/);
  });

  describe.skipIf(skip)("against PIL", { timeout: 120_000 }, () => {
    it("resizes bit for bit like Pillow's BICUBIC, down and up, in both axes", async () => {
      const sizes = [
        [32, 32],
        [96, 32],
        [7, 5],
        [200, 61],
        [83, 29],
        [40, 130],
      ] as const;
      const decoded = await decodeImage(await readFile(images.wide), "wide");
      const reference = pil({
        resize: sizes.map(([width, height]) => ({ path: images.wide, width, height })),
      });
      for (const [index, [width, height]] of sizes.entries()) {
        const ours = resizeBicubic(decoded, width, height);
        expect(Array.from(ours.data), `${width}×${height}`).toEqual(reference.resized[index]);
      }
    });

    it("picks NVIDIA's tile grid for portrait, landscape, square, tiny and huge images", () => {
      const cases: [number, number, number, number][] = [];
      for (const [width, height] of [
        [1275, 1650],
        [1650, 1275],
        [512, 512],
        [2000, 300],
        [300, 2000],
        [100, 80],
        [5000, 5100],
        [1024, 500],
        [640, 1400],
      ] as const) {
        for (const maxTiles of [1, 2, 4, 6, 12]) cases.push([width, height, maxTiles, 512]);
      }
      const reference = pil({ grids: cases });
      const ours = cases.map(([width, height, maxTiles, size]) => [
        ...closestTileGrid(width, height, maxTiles, size),
      ]);
      expect(ours).toEqual(reference.grids);
    });

    it("decodes PNG exactly as PIL and JPEG within ±3 per channel (libjpeg builds differ in IDCT rounding)", async () => {
      const reference = pil({ decode: [images.tall, images.photo] });
      const png = await decodeImage(await readFile(images.tall), "tall");
      expect([png.width, png.height]).toEqual([
        reference.decoded[0]!.width,
        reference.decoded[0]!.height,
      ]);
      expect(Array.from(png.data)).toEqual(reference.decoded[0]!.data);
      const jpeg = await decodeImage(await readFile(images.photo), "photo");
      const expected = reference.decoded[1]!.data;
      let worst = 0;
      for (const [index, value] of jpeg.data.entries())
        worst = Math.max(worst, Math.abs(value - expected[index]!));
      console.log(`JPEG: max |Δ| between sharp's and PIL's decoders: ${worst}`);
      expect(worst).toBeLessThanOrEqual(3);
    });
  });
});

import { tinyPng } from "@hybrid-rag/core/testing";
import { imageTiles, type VisionInputFormat } from "@hybrid-rag/models";
import { describe, expect, it } from "vitest";
import { pendingImageTiles, tileCount } from "./image-bytes-pairs.ts";

const format: VisionInputFormat = {
  tileSize: 32,
  tokensPerTile: 16,
  maxTiles: 6,
  useThumbnail: true,
  dynamicTiling: true,
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  imageStartToken: "<img>",
  imageEndToken: "</img>",
  imageContextToken: "<IMG_CONTEXT>",
  imageContextTokenId: 3,
};

const raster = (width: number, height: number) => ({
  width,
  height,
  data: new Uint8Array(width * height * 3),
});

describe("tileCount", () => {
  it("counts the tiles imageTiles cuts, without decoding (grid, thumbnail, fixed size)", () => {
    const sizes = [
      [1, 1],
      [32, 32],
      [83, 29],
      [40, 97],
      [64, 48],
      [300, 20],
      [20, 300],
      [1000, 999],
      [7, 130],
    ] as const;
    for (const [width, height] of sizes) {
      for (const variant of [
        format,
        { ...format, useThumbnail: false },
        { ...format, maxTiles: 1 },
        { ...format, dynamicTiling: false },
      ]) {
        expect([width, height, tileCount(width, height, variant)]).toEqual([
          width,
          height,
          imageTiles(raster(width, height), variant).count,
        ]);
      }
    }
  });
});

describe("pendingImageTiles", () => {
  it("decodes each pending image for its model run and refuses one whose tiles differ from its tokens", async () => {
    const png = tinyPng(64, 48, 3);
    const [none, tiles] = await pendingImageTiles(
      [{}, { image: { data: png, tiles: 7, width: 64, height: 48, index: 7 } }],
      format,
    );
    expect(none).toBeUndefined();
    expect(tiles?.count).toBe(7);
    expect(tiles?.pixels.length).toBe(7 * 3 * 32 * 32);
    await expect(
      pendingImageTiles(
        [{ image: { data: png, tiles: 2, width: 64, height: 48, index: 7 } }],
        format,
      ),
    ).rejects.toThrow(/Passage 7's image decoded to 7 tiles where its tokens stand for 2/);
  });
});

import type { VisionInputFormat } from "../graph/families/nemotron-vl-config.ts";
import { cropRgb, type RgbImage, resizeBicubic } from "./pil-bicubic-resize.ts";

/** An image cut into model tiles: [tiles, 3, size, size] float32, normalised. */
export interface ImageTiles {
  readonly count: number;
  readonly size: number;
  readonly pixels: Float32Array;
}

/**
 * The tile grid (columns, rows) NVIDIA's processor picks for an image: of the grids with 1 to
 * `maxTiles` tiles, fewest tiles first, the first to maximise min(grid area / image area, 0.6) ×
 * aspect similarity (find_closest_aspect_ratio: past 60 % of the image's area, only the aspect
 * ratio counts).
 */
export function closestTileGrid(
  width: number,
  height: number,
  maxTiles: number,
  size: number,
): readonly [number, number] {
  const grids: [number, number][] = [];
  const seen = new Set<string>();
  for (let total = 1; total <= maxTiles; total++) {
    for (let columns = 1; columns <= total; columns++) {
      for (let rows = 1; rows <= total; rows++) {
        const key = `${columns}x${rows}`;
        if (columns * rows <= maxTiles && !seen.has(key)) {
          seen.add(key);
          grids.push([columns, rows]);
        }
      }
    }
  }
  // NVIDIA sorts a Python set by tile count: among grids of one count the order is the set's.
  // It matters only for an exact tie of factors between two grids of one count (mirrored grids
  // around an aspect ratio of exactly 1); we keep columns ascending there.
  grids.sort((a, b) => a[0] * a[1] - b[0] * b[1]);
  const aspect = width / height;
  let best: readonly [number, number] = [1, 1];
  let bestFactor = Number.NEGATIVE_INFINITY;
  for (const grid of grids) {
    const target = grid[0] / grid[1];
    const areaRatio = (grid[0] * grid[1] * size * size) / (width * height);
    const factor = Math.min(areaRatio, 0.6) * Math.min(target / aspect, aspect / target);
    if (factor > bestFactor) {
      bestFactor = factor;
      best = grid;
    }
  }
  return best;
}

/**
 * NVIDIA's rerank processor on one decoded image: with dynamic tiling, resized (PIL bicubic) to
 * the closest grid of `tileSize` squares and cut row by row, plus a whole-image thumbnail when
 * there is more than one tile; otherwise one resized tile. Then /255 and (x − mean) / std per
 * channel, channels first.
 */
export function imageTiles(image: RgbImage, format: VisionInputFormat): ImageTiles {
  const size = format.tileSize;
  const tiles: RgbImage[] = [];
  if (format.dynamicTiling) {
    const [columns, rows] = closestTileGrid(image.width, image.height, format.maxTiles, size);
    const resized = resizeBicubic(image, columns * size, rows * size);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        tiles.push(cropRgb(resized, column * size, row * size, size, size));
      }
    }
    if (format.useThumbnail && tiles.length !== 1) tiles.push(resizeBicubic(image, size, size));
  } else {
    tiles.push(resizeBicubic(image, size, size));
  }
  const plane = size * size;
  const pixels = new Float32Array(tiles.length * 3 * plane);
  for (const [index, tile] of tiles.entries()) {
    const offset = index * 3 * plane;
    for (let pixel = 0; pixel < plane; pixel++) {
      for (let channel = 0; channel < 3; channel++) {
        const value = tile.data[pixel * 3 + channel]! / 255;
        pixels[offset + channel * plane + pixel] =
          (value - format.mean[channel]!) / format.std[channel]!;
      }
    }
  }
  return { count: tiles.length, size, pixels };
}

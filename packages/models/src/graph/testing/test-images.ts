import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SeededRandom } from "../../testing/seeded-random.ts";

/**
 * Writes PNG (and one JPEG) test pictures of different shapes — wide (several tiles and a
 * thumbnail), square (one tile), tall — with smooth gradients plus noise, so that resizing and
 * tiling mistakes change the pixels. Returns their paths.
 */
export async function writeTestImages(
  directory: string,
): Promise<Record<"wide" | "square" | "tall" | "photo", string>> {
  const { default: sharp } = await import("sharp");
  const random = new SeededRandom(5);
  const raster = (width: number, height: number): Buffer => {
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const offset = (y * width + x) * 3;
        data[offset] = Math.round((255 * x) / width);
        data[offset + 1] = Math.round((255 * y) / height);
        data[offset + 2] = Math.min(255, Math.max(0, Math.round(128 + 60 * random.normal())));
      }
    }
    return data;
  };
  const write = async (
    name: string,
    width: number,
    height: number,
    format: "png" | "jpeg",
  ): Promise<string> => {
    const path = join(directory, `${name}.${format === "png" ? "png" : "jpg"}`);
    const image = sharp(raster(width, height), { raw: { width, height, channels: 3 } });
    await writeFile(
      path,
      await (format === "png" ? image.png() : image.jpeg({ quality: 90 })).toBuffer(),
    );
    return path;
  };
  return {
    wide: await write("wide", 83, 29, "png"),
    square: await write("square", 21, 21, "png"),
    tall: await write("tall", 40, 97, "png"),
    photo: await write("photo", 64, 48, "jpeg"),
  };
}

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { createCanvas } from "@napi-rs/canvas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoadFileOptions, loadFile } from "./load-file.ts";
import { loadFolder } from "./load-folder.ts";
import type { LoadedDocument, LoadResult } from "./loaded-document.ts";

let outer: string;
let folder: string;
let png: Uint8Array;
let markdown: string;
const html =
  '<html><body><h1>Fees</h1><p>Fees are in the table.</p>\n<img src="img/map.png" alt="Fee map"></body></html>';

async function load(name: string, options: LoadFileOptions): Promise<LoadedDocument[]> {
  const all: LoadResult[] = [];
  for await (const result of loadFile(join(folder, name), name, options)) all.push(result);
  return all as LoadedDocument[];
}

beforeAll(async () => {
  outer = await mkdtemp(join(tmpdir(), "loaders-embedded-"));
  folder = join(outer, "docs");
  await mkdir(join(folder, "img"), { recursive: true });
  const canvas = createCanvas(50, 40);
  const context = canvas.getContext("2d");
  context.fillStyle = "#3366cc";
  context.fillRect(0, 0, 50, 40);
  png = new Uint8Array(await canvas.encode("png"));
  await writeFile(join(folder, "img", "map.png"), png);
  await writeFile(join(folder, "img", "fake.png"), "not an image at all");
  await writeFile(join(outer, "secret.png"), png);
  markdown = [
    "# Harbour guide",
    "",
    "The berths are shown on the map.",
    "",
    "![Berth map](img/map.png)",
    "",
    "![remote](https://example.com/x.png) and ![missing](img/none.png)",
    "",
    "![fake](img/fake.png) ![out](../secret.png)",
    "",
    "![by reference][map]",
    "",
    "[map]: img/map.png",
  ].join("\n");
  await writeFile(join(folder, "guide.md"), markdown);
  await writeFile(join(folder, "page.html"), html);
});

afterAll(async () => {
  await rm(outer, { recursive: true, force: true });
});

describe("images embedded in HTML and Markdown", () => {
  it("loads none by default", async () => {
    expect((await load("guide.md", {})).map((document) => document.id)).toEqual(["guide.md"]);
  });

  it("loads Markdown images that live in the folder as image documents linked to the parent and their place, and says what it left out", async () => {
    const [parent, ...images] = await load("guide.md", { images: { embedded: true } });
    expect(parent!.id).toBe("guide.md");
    expect(images.map((image) => image.id)).toEqual(["guide.md#image=1", "guide.md#image=6"]);
    expect(images[0]).toMatchObject({
      text: "",
      title: "Berth map",
      format: "md",
      image: { mediaType: "image/png", data: png, width: 50, height: 40 },
      metadata: {
        parent: "guide.md",
        image: "img/map.png",
        line: 5,
        charOffset: markdown.indexOf("![Berth map]"),
        alt: "Berth map",
      },
    });
    expect(images[1]!.metadata).toMatchObject({
      parent: "guide.md",
      image: "img/map.png",
      line: 11,
    });
    expect(parent!.warnings).toEqual([
      'the image at line 7 ("img/none.png") is not a file in the folder; it was not loaded',
      'the image at line 9 ("img/fake.png") is not a PNG, JPEG, WebP, GIF, BMP or TIFF image (by its first bytes); it was not loaded',
      "2 images outside the loaded folder (remote, data: or a path leading out) were not loaded",
    ]);
  });

  it("loads HTML <img> images with their line and offset", async () => {
    const [, image] = await load("page.html", { images: { embedded: true } });
    expect(image).toMatchObject({
      id: "page.html#image=1",
      title: "Fee map",
      metadata: {
        parent: "page.html",
        image: "img/map.png",
        line: 2,
        charOffset: html.indexOf("<img"),
      },
    });
  });

  it("bounds images in bytes and pixels", async () => {
    const [bytes] = await load("page.html", { images: { embedded: true, maxImageBytes: 10 } });
    expect(bytes!.warnings).toEqual([
      `the image at line 2 ("img/map.png") is ${png.length} bytes, over maxImageBytes (10) (raise images.maxImageBytes); it was not loaded`,
    ]);
    const results = await load("page.html", { images: { embedded: true, maxImagePixels: 1_999 } });
    expect(results).toHaveLength(1);
    expect(results[0]!.warnings).toEqual([
      'the image at line 2 ("img/map.png") is 50 × 40 pixels, over maxImagePixels (1999); it was not loaded (raise images.maxImagePixels)',
    ]);
  });

  it("keeps to the loaded folder in a folder load", async () => {
    const ids: string[] = [];
    for await (const result of loadFolder(folder, { images: { embedded: true } })) {
      if (result.kind === "document") ids.push(result.id);
    }
    expect(ids.sort()).toEqual([
      "guide.md",
      "guide.md#image=1",
      "guide.md#image=6",
      "page.html",
      "page.html#image=1",
    ]);
  });

  it("refuses bad options", async () => {
    const attempt = load("page.html", { images: { embedded: true, maxImageBytes: 0 } });
    await expect(attempt).rejects.toThrow(HybridRagError);
    await expect(attempt).rejects.toThrow(
      "images.maxImageBytes must be a whole number of at least 1, got 0; leave it out for the default (8388608).",
    );
  });
});

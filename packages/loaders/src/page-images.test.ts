import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  documentSchema,
  HybridRagError,
  parseWithSchema,
  readImageDimensions,
  sniffImageMediaType,
} from "@hybrid-rag/core";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { PDFDocument, rgb } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoadFileOptions, loadFile } from "./load-file.ts";
import { loadFolder } from "./load-folder.ts";
import type { LoadedDocument, LoadResult } from "./loaded-document.ts";
import { createChartPdf } from "./testing/create-chart-pdf.ts";
import { createScannedPdf } from "./testing/create-scanned-pdf.ts";
import { createTestPdf } from "./testing/create-test-pdf.ts";

let folder: string;

async function load(name: string, options: LoadFileOptions = {}): Promise<LoadResult[]> {
  const all: LoadResult[] = [];
  for await (const result of loadFile(join(folder, name), name, options)) all.push(result);
  return all;
}

/** The RGBA pixel at (x, y) of a PNG. */
async function pixel(png: Uint8Array, x: number, y: number): Promise<number[]> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return [...context.getImageData(x, y, 1, 1).data];
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "loaders-page-images-"));
  await writeFile(
    join(folder, "report.pdf"),
    await createChartPdf({
      title: "Harbour report",
      intro:
        "Quarterly harbour report. The chart on the next page gives the berth fees by quarter.",
      values: [120, 340, 220, 460],
    }),
  );
  await writeFile(join(folder, "scanned.pdf"), await createScannedPdf({ pages: ["p1", "p2"] }));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("PDF page images", () => {
  it("renders none by default: a PDF gives its text document only, as before", async () => {
    const results = await load("report.pdf");
    expect(results.map((result) => result.kind === "document" && result.id)).toEqual([
      "report.pdf",
    ]);
    expect((results[0] as LoadedDocument).image).toBeUndefined();
  });

  it('"no-text-layer" renders the chart-only page as an image document linked to its PDF and page', async () => {
    const results = (await load("report.pdf", {
      pdf: { pageImages: "no-text-layer" },
    })) as LoadedDocument[];
    expect(results.map((result) => result.id)).toEqual(["report.pdf", "report.pdf#page=2"]);
    const page = results[1]!;
    expect(page).toMatchObject({
      kind: "document",
      text: "",
      title: "Harbour report, page 2",
      format: "pdf",
      metadata: { parent: "report.pdf", page: 2 },
      pages: [{ number: 2, start: 0, end: 0 }],
    });
    const image = page.image as {
      mediaType: string;
      data: Uint8Array;
      width: number;
      height: number;
    };
    // 100 dpi by default: a US Letter page (612 × 792 points) is 850 × 1100 pixels.
    expect(image).toMatchObject({ mediaType: "image/png", width: 850, height: 1100 });
    expect(sniffImageMediaType(image.data)).toBe("image/png");
    expect(readImageDimensions(image.data, "image/png")).toEqual({ width: 850, height: 1100 });
    // Core accepts it as an image-only document.
    const { id, text, title, metadata } = page;
    expect(() =>
      parseWithSchema(documentSchema, { id, text, title, metadata, image }, "the page image"),
    ).not.toThrow();
    // The chart is drawn: the last bar (x = 70 + 3 × 120 points, up to 400 points tall from y = 150)
    // is its colour in the picture, and the page's top corner is white paper.
    const scale = 100 / 72;
    const [r, g, b] = await pixel(
      image.data,
      Math.round((70 + 360 + 30) * scale),
      Math.round((792 - 300) * scale),
    );
    // createChartPdf's fourth bar is rgb(0.2, 0.725, 0.7): (51, 185, 178), give or take rounding.
    const expected = [51, 185, 178];
    expect([r, g, b].map((channel, index) => Math.abs(channel! - expected[index]!))).toSatisfy(
      (differences: number[]) => differences.every((difference) => difference <= 2),
    );
    expect(await pixel(image.data, 5, 5)).toEqual([255, 255, 255, 255]);
  });

  it("gives each page image its page's printed label when the PDF declares page labels", async () => {
    // In a folder of its own: the loadFolder test below reads `folder` whole.
    const own = await mkdtemp(join(tmpdir(), "loaders-page-labels-"));
    const path = join(own, "labelled.pdf");
    await writeFile(
      path,
      await createTestPdf({
        pages: ["Preface.", "Contents.", "Chapter one."],
        pageLabels: [
          { page: 1, style: "r" },
          { page: 3, style: "D" },
        ],
      }),
    );
    const results: LoadedDocument[] = [];
    try {
      for await (const result of loadFile(path, "labelled.pdf", {
        pdf: { pageImages: "all", dpi: 18 },
      }))
        results.push(result as LoadedDocument);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
    expect(results.slice(1).map((result) => [result.id, result.pages])).toEqual([
      ["labelled.pdf#page=1", [{ number: 1, label: "i", start: 0, end: 0 }]],
      ["labelled.pdf#page=2", [{ number: 2, label: "ii", start: 0, end: 0 }]],
      ["labelled.pdf#page=3", [{ number: 3, label: "1", start: 0, end: 0 }]],
    ]);
    // Without page labels, no label (the report.pdf test above: pages [{ number, start, end }]).
  });

  it('"all" renders every page, text pages included, in page order after the text document', async () => {
    const results = (await load("report.pdf", {
      pdf: { pageImages: "all", dpi: 36 },
    })) as LoadedDocument[];
    expect(results.map((result) => result.id)).toEqual([
      "report.pdf",
      "report.pdf#page=1",
      "report.pdf#page=2",
    ]);
    expect(results[1]!.image).toMatchObject({ width: 306, height: 396 });
  });

  it("lowers the resolution to fit maxImagePixels, and says so", async () => {
    const results = (await load("report.pdf", {
      pdf: { pageImages: "no-text-layer", dpi: 300, maxImagePixels: 500_000 },
    })) as LoadedDocument[];
    const image = results[1]!.image as { width: number; height: number };
    expect(image.width * image.height).toBeLessThanOrEqual(500_000);
    expect(image.width * image.height).toBeGreaterThan(450_000);
    expect(results[0]!.warnings).toEqual([
      `page 2's image was rendered at 73 dpi, not 300, to stay within maxImagePixels (500000)`,
    ]);
  });

  it("renders a 200-inch page asked at 1,200 dpi within the default pixel budget (not a 240,000² canvas)", async () => {
    const pdf = await PDFDocument.create();
    pdf
      .addPage([14_400, 14_400])
      .drawRectangle({ x: 0, y: 0, width: 7_200, height: 7_200, color: rgb(0, 0, 1) });
    const elsewhere = await mkdtemp(join(tmpdir(), "loaders-huge-page-"));
    const results: LoadResult[] = [];
    try {
      await writeFile(join(elsewhere, "huge.pdf"), await pdf.save());
      for await (const result of loadFile(join(elsewhere, "huge.pdf"), "huge.pdf", {
        pdf: { pageImages: "all", dpi: 1_200 },
      }))
        results.push(result);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
    const last = results.at(-1) as LoadedDocument;
    expect(last.id).toBe("huge.pdf#page=1");
    expect(last.image).toMatchObject({ width: 2048, height: 2048 });
  });

  it("leaves out an image over maxImageBytes with a warning naming the page", async () => {
    const results = (await load("report.pdf", {
      pdf: { pageImages: "all", maxImageBytes: 1_000 },
    })) as LoadedDocument[];
    expect(results.map((result) => result.id)).toEqual(["report.pdf"]);
    expect(results[0]!.warnings).toHaveLength(2);
    expect(results[0]!.warnings![1]).toMatch(
      /^page 2's image is \d+ bytes as PNG, over maxImageBytes \(1000\); it was left out \(lower pdf\.dpi or raise pdf\.maxImageBytes\)$/,
    );
  });

  it("loads a scanned PDF as its page images (it is no longer skipped as empty), saying it has no text layer", async () => {
    const results = (await load("scanned.pdf", {
      pdf: { pageImages: "no-text-layer" },
    })) as LoadedDocument[];
    expect(results.map((result) => result.id)).toEqual([
      "scanned.pdf#page=1",
      "scanned.pdf#page=2",
    ]);
    expect(results[0]!.warnings?.[0]).toMatch(/^no text layer \(pages 1–2 show an image/);
    expect(results[0]!.metadata).toEqual({ parent: "scanned.pdf", page: 1 });
  });

  it("goes through loadFolder too", async () => {
    const ids: string[] = [];
    for await (const result of loadFolder(folder, { pdf: { pageImages: "no-text-layer" } })) {
      if (result.kind === "document") ids.push(result.id);
    }
    expect(ids.sort()).toEqual([
      "report.pdf",
      "report.pdf#page=2",
      "scanned.pdf#page=1",
      "scanned.pdf#page=2",
    ]);
  });

  it.each([
    [
      { pageImages: "some" },
      'pdf.pageImages must be one of "none", "no-text-layer", "all", got "some".',
    ],
    [
      { dpi: 0 },
      "pdf.dpi must be a whole number from 1 to 1200, got 0; leave it out for the default (100).",
    ],
    [
      { maxImageBytes: 1.5 },
      "pdf.maxImageBytes must be a whole number from 1 to 1073741824, got 1.5; leave it out for the default (8388608).",
    ],
  ])("refuses bad pdf options %j", async (pdf, message) => {
    const attempt = load("report.pdf", { pdf: pdf as LoadFileOptions["pdf"] });
    await expect(attempt).rejects.toThrow(HybridRagError);
    await expect(attempt).rejects.toThrow(message);
  });
});

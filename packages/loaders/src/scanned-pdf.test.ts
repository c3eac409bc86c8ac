import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFile } from "./load-file.ts";
import type { LoadedDocument, LoadResult, SkippedSource } from "./loaded-document.ts";
import type { OcrRequest } from "./ocr.ts";
import { createScannedPdf } from "./testing/create-scanned-pdf.ts";
import { createTestPdf } from "./testing/create-test-pdf.ts";

let folder: string;

async function collect(results: AsyncIterable<LoadResult>): Promise<LoadResult[]> {
  const all: LoadResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "loaders-scanned-"));
  // Ten scanned pages, each with a 3-character stamp (the "28 characters" of issue 27).
  await writeFile(
    join(folder, "scanned.pdf"),
    await createScannedPdf({ pages: Array.from({ length: 10 }, (_, i) => `p${i + 1}`) }),
  );
  await writeFile(
    join(folder, "mixed.pdf"),
    await createScannedPdf({
      pages: ["", "", "", ""],
      textPages: {
        1: "A typed cover page about harbour dues and berths.",
        4: "A typed last page with the fee table summary.",
      },
    }),
  );
  // A short text page (no image) is not a scan.
  await writeFile(join(folder, "short.pdf"), await createTestPdf({ pages: ["Hi."] }));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("PDFs without a text layer", () => {
  it("skips a scanned PDF saying it has no text layer and how to read it", async () => {
    const [result] = await collect(loadFile(join(folder, "scanned.pdf"), "scanned.pdf"));
    expect(result).toMatchObject({
      kind: "skipped",
      code: "empty",
      reason:
        "no text layer: pages 1–10 show an image and 21 characters of text in all (a scanned PDF?); enable OCR (the ocr option) to read it",
    } satisfies Partial<SkippedSource>);
  });

  it("keeps a PDF mixing text and scanned pages, with a warning naming the scanned ones", async () => {
    const [result] = await collect(loadFile(join(folder, "mixed.pdf"), "mixed.pdf"));
    const document = result as LoadedDocument;
    expect(document.kind).toBe("document");
    expect(document.pages.map((page) => page.number)).toEqual([1, 4]);
    expect(document.warnings).toEqual([
      "pages 2–3 have no text layer (scanned?), so their text is missing; enable OCR (the ocr option) to read them",
    ]);
  });

  it("does not take a short text page for a scan", async () => {
    const [result] = await collect(loadFile(join(folder, "short.pdf"), "short.pdf"));
    expect(result).toMatchObject({ kind: "document", text: "Hi." });
    expect((result as LoadedDocument).warnings).toBeUndefined();
  });

  it("reads the scanned pages with the ocr function given, with each page's images, in page order", async () => {
    const requests: OcrRequest[] = [];
    const ocr = async (request: OcrRequest) => {
      requests.push(request);
      return `Scanned text of page ${request.pageNumber}.`;
    };
    const [mixed] = await collect(loadFile(join(folder, "mixed.pdf"), "mixed.pdf", { ocr }));
    const document = mixed as LoadedDocument;
    expect(requests.map((r) => r.pageNumber)).toEqual([2, 3]);
    for (const request of requests) {
      expect(request.source).toBe(join(folder, "mixed.pdf"));
      expect(request.images).toHaveLength(1);
      const [image] = request.images;
      expect([image!.width, image!.height]).toEqual([64, 80]);
      expect(image!.data.length).toBe(64 * 80 * image!.channels);
    }
    expect(document.text).toBe(
      [
        "A typed cover page about harbour dues and berths.",
        "Scanned text of page 2.",
        "Scanned text of page 3.",
        "A typed last page with the fee table summary.",
      ].join("\n\n"),
    );
    expect(
      document.pages.map((page) => [page.number, document.text.slice(page.start, page.end)]),
    ).toEqual([
      [1, "A typed cover page about harbour dues and berths."],
      [2, "Scanned text of page 2."],
      [3, "Scanned text of page 3."],
      [4, "A typed last page with the fee table summary."],
    ]);
    expect(document.warnings).toEqual(["the text of pages 2–3 was read by OCR (no text layer)"]);
    const [scanned] = await collect(loadFile(join(folder, "scanned.pdf"), "scanned.pdf", { ocr }));
    expect((scanned as LoadedDocument).pages).toHaveLength(10);
  });

  it("keeps a page's own text and warns when the ocr function fails on it", async () => {
    const ocr = async ({ pageNumber }: OcrRequest) => {
      if (pageNumber === 3) throw new Error("engine crashed");
      return "read";
    };
    const [result] = await collect(loadFile(join(folder, "mixed.pdf"), "mixed.pdf", { ocr }));
    expect((result as LoadedDocument).warnings).toEqual([
      "OCR failed on page 3 (engine crashed): its text is missing",
      "the text of page 2 was read by OCR (no text layer)",
    ]);
  });
});

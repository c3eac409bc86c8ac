import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFile, loadFolder } from "@hybrid-rag/loaders";
import { createTestPdf } from "@hybrid-rag/loaders/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContext } from "./build-context.ts";
import { citationLocation } from "./citation-location.ts";
import { citedPassage, searchPassages } from "./cited-passages.ts";
import { createEmbeddedCollection } from "./embedded-collection.ts";
import { openCollection } from "./open-collection.ts";

let folder: string;
let saved: string;
const notes = [
  "Kitchen notes",
  "=============",
  "",
  "   Knead  the dough\tfor ten minutes, until it is smooth — naïve bakers stop early.",
  "",
  "OVEN",
  "   Preheat the oven to 220 degrees and bake the loaf for thirty-five minutes.",
].join("\r\n");

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "citations-"));
  saved = join(folder, "collection");
  await writeFile(join(folder, "notes.txt"), notes);
  await writeFile(
    join(folder, "manual.pdf"),
    await createTestPdf({
      title: "Manual",
      pages: ["Preface page.", "Contents page.", "The calibration constant is 42 for the probe."],
      pageLabels: [
        { page: 1, style: "r" },
        { page: 3, style: "D" },
      ],
    }),
  );
  const collection = createEmbeddedCollection({ chunking: { maxTokens: 16, overlapTokens: 2 } });
  await collection.ingest(loadFolder(join(folder)));
  await collection.save(saved);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("citations give the span in the original file", () => {
  it("keeps the file span through the stored collection, and the file holds the passage there", async () => {
    const collection = await openCollection(saved);
    const { passages } = await searchPassages(collection, "preheat oven", { topK: 1 });
    const passage = passages[0]!;
    expect(passage.parentId).toBe("notes.txt");
    const span = passage.sourceSpan!;
    const bytes = await readFile(join(folder, "notes.txt"));
    const slice = notes.slice(span.charStart, span.charEnd);
    expect(bytes.subarray(span.byteStart, span.byteEnd).toString("utf8")).toBe(slice);
    expect(slice.replace(/\s+/g, " ").trim()).toBe(passage.text.replace(/\s+/g, " "));
    expect([span.lineStart, span.lineEnd]).toEqual([7, 7]);
    expect(passage.headingPath).toEqual(["Kitchen notes", "OVEN"]);
    expect(citationLocation(passage)).toBe(`${join(folder, "notes.txt")}:7`);
  });

  it("cites a PDF page by its physical number and its printed label", async () => {
    const collection = await openCollection(saved);
    const { passages, hits } = await searchPassages(collection, "calibration constant", {
      topK: 1,
    });
    expect(passages[0]).toMatchObject({ pageStart: 3, pageLabelStart: "1" });
    expect(citationLocation(passages[0]!)).toBe(`${join(folder, "manual.pdf")}, p. 3 (printed 1)`);
    const context = buildContext(hits, { maxTokens: 200 });
    expect(context.text).toContain(`Manual — ${join(folder, "manual.pdf")}, p. 3 (printed 1)`);
    expect(context.citations[0]).toMatchObject({ pageLabelStart: "1", pageLabelEnd: "1" });
    expect(context.citations[0]!.sourceSpan).toMatchObject({ lineStart: null });
  });

  it("cites a stored page image by its page and its printed label, as a text chunk of that page", async () => {
    // The same PDF with every page rendered: each page image's one chunk carries its page's
    // label too, through save and reopen.
    const withImages = createEmbeddedCollection({});
    const manual = join(folder, "manual.pdf");
    await withImages.ingest(
      loadFile(manual, "manual.pdf", { pdf: { pageImages: "all", dpi: 18 } }),
    );
    const imagesSaved = join(folder, "with-page-images");
    await withImages.save(imagesSaved);
    const collection = await openCollection(imagesSaved);
    const imageChunkOf = (page: number) => {
      const [chunk] = collection.store.chunksOf(`manual.pdf#page=${page}`);
      expect(chunk?.image).toBeDefined();
      return chunk!;
    };
    expect(imageChunkOf(3).metadata).toMatchObject({
      pageStart: 3,
      pageLabelStart: "1",
      pageLabelEnd: "1",
    });
    expect(imageChunkOf(1).metadata).toMatchObject({ pageStart: 1, pageLabelStart: "i" });
    const chunk = imageChunkOf(3);
    const passage = citedPassage({ id: chunk.id, score: 1, rank: 1, document: chunk, sources: {} });
    expect(citationLocation(passage)).toBe(`${manual}, p. 3 (printed 1)`);
  });

  it("writes page ranges with labels, and leaves out labels equal to the page number", () => {
    const base = { source: "r.pdf", sourceSpan: null };
    expect(
      citationLocation({
        ...base,
        pageStart: 2,
        pageEnd: 3,
        pageLabelStart: "ii",
        pageLabelEnd: "1",
      }),
    ).toBe("r.pdf, pp. 2–3 (printed ii–1)");
    expect(
      citationLocation({
        ...base,
        pageStart: 4,
        pageEnd: 4,
        pageLabelStart: "4",
        pageLabelEnd: "4",
      }),
    ).toBe("r.pdf, p. 4");
    expect(
      citationLocation({
        ...base,
        pageStart: null,
        pageEnd: null,
        pageLabelStart: null,
        pageLabelEnd: null,
      }),
    ).toBe("r.pdf");
  });
});

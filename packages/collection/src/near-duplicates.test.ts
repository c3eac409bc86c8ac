import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mulberry32 } from "@hybrid-rag/core/internal";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { loadFolder } from "@hybrid-rag/loaders";
import { createTestPdf } from "@hybrid-rag/loaders/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedCollection } from "./embedded-collection.ts";
import { estimatedSimilarity, minHashSignature, normalisedWords } from "./min-hash.ts";
import { openCollection } from "./open-collection.ts";

const page = [
  "Replacing the tide gauge float",
  "The float of the harbour tide gauge wears out after about six winters of salt spray. Before replacing it, close the stilling well valve and note the last reading in the station log.",
  "Unscrew the four brass bolts that hold the float arm, lift the old float clear of the well, and check the counterweight cable for frayed strands; a frayed cable is replaced with the float.",
  "Seat the new float, tighten the bolts in a cross pattern, open the valve slowly and compare the gauge with the staff reading at the next slack water. A difference over two centimetres means the arm is bent.",
];
const others = [
  "Painting the lighthouse lantern room: scrape loose flakes, wash the metal with fresh water, let it dry for a full day, then apply two coats of marine enamel with a soft brush, working from the top down.",
  "Ordering diesel for the pilot boat: the supplier needs the tank reading, the delivery window and the berth number by noon on Thursday; deliveries are made on Monday mornings at high water only.",
  "Winter hours of the harbour office: open from eight until four on weekdays, closed at weekends and on public holidays; the duty officer can be reached by radio on channel twelve at any hour.",
];

let workspace: string;
let folder: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "collection-near-duplicates-"));
  folder = join(workspace, "docs");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(folder);
  const [title, ...paragraphs] = page;
  await writeFile(
    join(folder, "tide-gauge.html"),
    `<!doctype html><html><head><title>${title}</title></head><body><nav><a href="/">Home</a></nav><main><h1>${title}</h1>${paragraphs.map((text) => `<p>${text}</p>`).join("\n")}</main></body></html>`,
  );
  await writeFile(
    join(folder, "tide-gauge.txt"),
    `${title}\n${"=".repeat(title!.length)}\n\n${paragraphs.join("\n\n")}\n`,
  );
  await writeFile(
    join(folder, "tide-gauge.pdf"),
    await createTestPdf({
      title: title!,
      pages: [`${title}\n\n${paragraphs.join("\n\n")}`],
      lineLength: 70,
    }),
  );
  for (const [index, text] of others.entries()) {
    await writeFile(join(folder, `other-${index}.txt`), text);
  }
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("MinHash signatures", () => {
  it("estimate the Jaccard similarity of 4-word shingles within the signature's error", () => {
    const random = mulberry32(5);
    const words = Array.from({ length: 300 }, (_, index) => `word${index}`);
    const errors: number[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const base = Array.from({ length: 200 }, () => words[Math.floor(random() * words.length)]!);
      const changed = base.map((word) => (random() < trial / 400 ? `other${word}` : word));
      const shingles = (text: string[]) =>
        new Set(text.slice(0, -3).map((_, start) => text.slice(start, start + 4).join(" ")));
      const a = shingles(base);
      const b = shingles(changed);
      const exact = [...a].filter((shingle) => b.has(shingle)).length / new Set([...a, ...b]).size;
      const estimate = estimatedSimilarity(
        minHashSignature(base.join(" "))!,
        minHashSignature(changed.join(" "))!,
      );
      errors.push(Math.abs(estimate - exact));
    }
    const mean = errors.reduce((sum, error) => sum + error, 0) / errors.length;
    // Standard error 1/√64 ≈ 0.06 at J = 0.5, less near 0 and 1.
    expect(mean).toBeLessThan(0.05);
    expect(Math.max(...errors)).toBeLessThan(0.25);
  });

  it("normalise away case, punctuation, ligatures and line breaks", () => {
    expect(normalisedWords("The ﬂoat—of the\nHarbour's gauge.")).toEqual([
      "the",
      "float",
      "of",
      "the",
      "harbour",
      "s",
      "gauge",
    ]);
    expect(minHashSignature("too short to compare")).toBeUndefined();
  });
});

describe("the same page as HTML, .txt and PDF", () => {
  it("is counted as near-duplicates at ingest and shown once by search, the copies listed", async () => {
    const collection = createEmbeddedCollection({ embedder: new HashingEmbedder(64) });
    const summary = await collection.ingest(loadFolder(folder));
    expect(summary.added).toBe(6);
    expect(summary.nearDuplicates).toEqual({
      groups: 1,
      documents: 3,
      examples: [
        [
          expect.stringMatching(/tide-gauge\.html$/),
          expect.stringMatching(/tide-gauge\.pdf$/),
          expect.stringMatching(/tide-gauge\.txt$/),
        ],
      ],
    });
    const query = "frayed counterweight cable float arm";
    const result = await collection.search(query, { topK: 5 });
    const tideParents = result.parents.filter((parent) => parent.parentId.startsWith("tide-gauge"));
    expect(tideParents).toHaveLength(1);
    const shown = tideParents[0]!;
    expect(shown.rank).toBe(1);
    expect(shown.alsoIn?.map((copy) => copy.parentId).sort()).toEqual(
      ["tide-gauge.html", "tide-gauge.pdf", "tide-gauge.txt"].filter((id) => id !== shown.parentId),
    );
    expect(result.hits.map((hit) => hit.rank)).toEqual(result.hits.map((_, index) => index + 1));
    const all = await collection.search(query, { topK: 5, keepDuplicates: true });
    expect(
      all.parents
        .slice(0, 3)
        .map((parent) => parent.parentId)
        .sort(),
    ).toEqual(["tide-gauge.html", "tide-gauge.pdf", "tide-gauge.txt"]);
    expect(all.alsoIn).toEqual({});
  });

  it("keeps the signatures in the store: a reopened collection collapses alike", async () => {
    const directory = join(workspace, "saved");
    const collection = createEmbeddedCollection({});
    await collection.ingest(loadFolder(folder));
    await collection.save(directory);
    const reopened = await openCollection(directory);
    expect(reopened.nearDuplicates.groups).toHaveLength(1);
    const result = await reopened.search("tide gauge float", { topK: 10 });
    expect(
      result.parents.filter((parent) => parent.parentId.startsWith("tide-gauge")),
    ).toHaveLength(1);
    // Deleting two copies leaves no group.
    await reopened.deleteParent("tide-gauge.pdf");
    await reopened.deleteParent("tide-gauge.txt");
    expect(reopened.nearDuplicates.groups).toHaveLength(0);
  });

  it("does not group distinct pages written from one template", async () => {
    const collection = createEmbeddedCollection({});
    const { fillerParagraph } = await import("./testing/sample-folder.ts");
    const summary = await collection.ingest(
      Array.from({ length: 40 }, (_, index) => ({
        id: `filler-${index}`,
        text: fillerParagraph(index * 3),
      })),
    );
    expect(summary.nearDuplicates.groups).toBe(0);
  });
});

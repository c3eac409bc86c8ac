import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBeirDataset } from "@hybrid-rag/eval";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDataset } from "../dataset-source.ts";
import { silentProgress } from "../progress.ts";
import { RenderedPageImages } from "./rendered-page-images.ts";
import { visualFigures } from "./visual-charts.ts";
import { writeVisualDataset } from "./visual-dataset.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "visual-dataset-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function filesOf(directory: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(directory.length), await readFile(path));
  }
  return files;
}

describe("the visual set", () => {
  it("gives each query exactly one answer, a value no other site of that measure has that quarter", () => {
    const figures = visualFigures(10);
    expect(figures).toHaveLength(40);
    for (const figure of figures) {
      const quarter = figure.askedQuarter - 1;
      const sameMeasure = figures.filter((other) => other.measure === figure.measure);
      const sharing = sameMeasure.filter(
        (other) => other.values[quarter] === figure.values[quarter],
      );
      expect(sharing).toEqual([figure]);
    }
    expect(new Set(figures.map((figure) => figure.layout))).toEqual(
      new Set(["bar-chart", "table"]),
    );
  });

  it("is a BEIR folder, byte-identical from run to run, whose answers are in no text layer", async () => {
    const first = join(root, "first");
    const second = join(root, "second");
    await writeVisualDataset(first, { sitesPerMeasure: 2 });
    await writeVisualDataset(second, { sitesPerMeasure: 2 });
    const a = await filesOf(first);
    const b = await filesOf(second);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);
    expect([...a.keys()].filter((name) => name.endsWith(".pdf"))).toHaveLength(8);

    const dataset = await loadBeirDataset(first, { split: "test" });
    expect(dataset.documentCount).toBe(8);
    expect(dataset.queries.size).toBe(8);
    const documents = new Map<string, string>();
    for await (const document of dataset.documents()) {
      expect(document.metadata).toEqual({ pdf: `pdfs/${document.id}` });
      documents.set(document.id, document.text);
    }
    for (const [queryId, query] of dataset.queries) {
      const judged = [...(dataset.qrels.get(queryId) ?? new Map()).keys()];
      expect(judged).toHaveLength(1);
      const text = documents.get(judged[0]!)!;
      // The text layer names the site and the measure; the asked value is drawn, not written.
      const value = /of (\d+)|(\d+) (thousand|hundred)/.exec(query)!.slice(1).find(Boolean)!;
      expect(text).toMatch(/ at [A-Z][a-z]+/);
      expect(text.split(/\W+/)).not.toContain(value);
    }
  });

  it("renders each document's PDF page as an image-only page document linked to it", async () => {
    const directory = join(root, "first");
    const dataset = await loadBeirDataset(directory, { split: "test" });
    const rendered = await RenderedPageImages.render(directory, dataset.documents());
    expect(rendered.count).toBe(8);
    const [image] = rendered.pageImagesOf({ id: "aldermoor-rainfall.pdf", text: "" });
    expect(image).toMatchObject({
      id: "aldermoor-rainfall.pdf#page=1",
      text: "",
      metadata: { parent: "aldermoor-rainfall.pdf", page: 1 },
      image: { mediaType: "image/png", width: 850, height: 1100 },
    });
    await expect(
      RenderedPageImages.render(
        directory,
        (async function* () {
          yield { id: "x", text: "x", metadata: { pdf: "../outside.pdf" } };
        })(),
      ),
    ).rejects.toThrow(/outside the dataset folder/);
  }, 60_000);

  it("is what --dataset visual names: generated into the cache once, then reused", async () => {
    const cacheDirectory = join(root, "cache");
    const options = { cacheDirectory, progress: silentProgress };
    const directory = await resolveDataset("visual", options);
    expect(directory).toBe(join(cacheDirectory, "visual-v1"));
    const written = (await stat(join(directory, "corpus.jsonl"))).mtimeMs;
    expect(await resolveDataset("visual", options)).toBe(directory);
    expect((await stat(join(directory, "corpus.jsonl"))).mtimeMs).toBe(written);
    expect((await loadBeirDataset(directory, { split: "test" })).documentCount).toBe(24);
  }, 60_000);
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approximateTokenCounter, type ChunkMetadata } from "@hybrid-rag/chunking";
import type { Hit } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { type LoadedDocument, loadFile, loadFolder } from "@hybrid-rag/loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContext } from "./build-context.ts";
import type { CollectionEvents } from "./collection-events.ts";
import { createEmbeddedCollection, type EmbeddedCollection } from "./embedded-collection.ts";
import { CountingEmbedder } from "./testing/counting-embedder.ts";
import { deepFacts, fillerParagraph, writeSampleFolder } from "./testing/sample-folder.ts";

let folder: string;
let paths: Awaited<ReturnType<typeof writeSampleFolder>>;
let embedder: CountingEmbedder;
let collection: EmbeddedCollection;
const parents = new Map<string, LoadedDocument>();

async function loadParent(path: string, id: string): Promise<LoadedDocument> {
  for await (const result of loadFile(path, id)) if (result.kind === "document") return result;
  throw new Error(`${path} did not load`);
}

function recordEvents<Name extends keyof CollectionEvents>(
  name: Name,
): Array<Parameters<CollectionEvents[Name]>[0]> {
  const seen: Array<Parameters<CollectionEvents[Name]>[0]> = [];
  const listener = ((event: Parameters<CollectionEvents[Name]>[0]) => seen.push(event)) as never;
  collection.events.on(name, listener);
  return seen;
}

const metadataOf = (hit: Hit) => hit.document!.metadata as unknown as ChunkMetadata;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "collection-acceptance-"));
  paths = await writeSampleFolder(folder);
  parents.set("engineering-report.pdf", await loadParent(paths.pdf, "engineering-report.pdf"));
  parents.set("coast-article.html", await loadParent(paths.html, "coast-article.html"));
  parents.set("kitchen-guide.md", await loadParent(paths.markdown, "kitchen-guide.md"));
  embedder = new CountingEmbedder(new HashingEmbedder(512));
  collection = createEmbeddedCollection({
    embedder,
    chunking: { maxTokens: 128, overlapTokens: 16 },
  });
}, 60_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("a folder with a 40-page PDF, an HTML article and a long Markdown file", () => {
  it("ingests into an embedded collection, with a summary of what happened", async () => {
    const chunked = recordEvents("document-chunked");
    const summary = await collection.ingest(loadFolder(folder));
    expect(summary).toMatchObject({
      documents: 3,
      added: 3,
      replaced: 0,
      unchanged: 0,
      duplicates: 0,
      failed: 0,
      skipped: [],
    });
    expect(parents.get("engineering-report.pdf")!.pages).toHaveLength(40);
    expect(summary.chunks).toBe(chunked.reduce((sum, event) => sum + event.chunks, 0));
    expect(await collection.sparse.count()).toBe(summary.chunks);
    expect(await collection.dense!.count()).toBe(summary.chunks);
    expect(embedder.embeddedPassages).toHaveLength(summary.chunks);
  });

  for (const [format, id] of [
    ["pdf", "engineering-report.pdf"],
    ["html", "coast-article.html"],
    ["markdown", "kitchen-guide.md"],
  ] as const) {
    it(`finds the ${format} fact that sits past the first 512 tokens, by BM25 and by the dense side, with parent, offsets${format === "pdf" ? " and page" : ""}`, async () => {
      const fact = deepFacts[format];
      const parent = parents.get(id)!;
      const factOffset = parent.text.indexOf(fact.sentence);
      expect(factOffset).toBeGreaterThan(0);
      expect(approximateTokenCounter.count(parent.text.slice(0, factOffset))).toBeGreaterThan(512);
      for (const side of [collection.sparse, collection.dense!]) {
        const [top] = await side.retrieve(fact.query, { topK: 5 });
        const metadata = metadataOf(top!);
        expect(metadata.parentId, side.name).toBe(id);
        expect(metadata.source).toBe(join(folder, id));
        expect(parent.text.slice(metadata.start, metadata.end)).toBe(top!.document!.text);
        expect(metadata.start).toBeLessThanOrEqual(factOffset);
        expect(metadata.end).toBeGreaterThanOrEqual(factOffset + fact.sentence.length);
        if (format === "pdf") {
          expect(metadata.pageStart).toBe(deepFacts.pdf.page);
          expect(metadata.pageEnd).toBe(deepFacts.pdf.page);
        }
      }
    });
  }

  it("fuses both sides, collapses to parents and builds a cited context", async () => {
    const result = await collection.search(deepFacts.pdf.query, { topK: 8 });
    expect(result.parents[0]!.parentId).toBe("engineering-report.pdf");
    const best = result.hits[0]!;
    expect(best.sources.bm25?.status).toBe("found");
    expect(best.sources.dense?.status).toBe("found");
    for (const parent of result.parents) {
      expect(parent.chunks.every((hit) => metadataOf(hit).parentId === parent.parentId)).toBe(true);
    }
    expect(result.parents.reduce((sum, parent) => sum + parent.chunks.length, 0)).toBe(
      result.hits.length,
    );
    const context = buildContext(result.hits, { maxTokens: 400 });
    expect(context.text.startsWith("[1] Annual engineering report — ")).toBe(true);
    expect(context.text).toContain(deepFacts.pdf.sentence);
    expect(context.citations[0]).toMatchObject({
      number: 1,
      parentId: "engineering-report.pdf",
      source: paths.pdf,
      pageStart: 31,
    });
    expect(context.tokens).toBeLessThanOrEqual(400);
    expect(context.citations.length + context.omitted.length).toBeGreaterThan(1);
  });

  it("re-ingesting the unchanged folder embeds nothing", async () => {
    const before = embedder.embeddedPassages.length;
    const batches = recordEvents("batch-indexed");
    const unchanged = recordEvents("document-unchanged");
    const summary = await collection.ingest(loadFolder(folder));
    expect(summary).toMatchObject({ documents: 3, unchanged: 3, added: 0, replaced: 0, chunks: 0 });
    expect(unchanged.map((event) => event.parentId).sort()).toEqual([
      "coast-article.html",
      "engineering-report.pdf",
      "kitchen-guide.md",
    ]);
    expect(batches).toEqual([]);
    expect(embedder.embeddedPassages.length).toBe(before);
  });

  it("changing one file re-embeds only its chunks and replaces all of them", async () => {
    const oldChunks = collection.store.parent("kitchen-guide.md")!.chunkIds.length;
    const totalBefore = await collection.dense!.count();
    const before = embedder.embeddedPassages.length;
    const batches = recordEvents("batch-indexed");
    await writeFile(
      paths.markdown,
      `# Kitchen guide\n\n## Only chapter\n\n${fillerParagraph(42)}\n\nA brand new remark about marmalade glazing.\n`,
    );
    const summary = await collection.ingest(loadFolder(folder));
    expect(summary).toMatchObject({ documents: 3, unchanged: 2, replaced: 1, added: 0 });
    const newChunks = collection.store.chunksOf("kitchen-guide.md");
    expect(newChunks.length).toBeLessThan(oldChunks);
    expect(embedder.embeddedPassages.slice(before)).toEqual(
      newChunks.map((chunk) => `${chunk.title} ${chunk.text}`),
    );
    expect(batches.reduce((sum, event) => sum + event.embedded, 0)).toBe(newChunks.length);
    expect(await collection.dense!.count()).toBe(totalBefore - oldChunks + newChunks.length);
    expect(await collection.sparse.count()).toBe(totalBefore - oldChunks + newChunks.length);
    const stale = await collection.sparse.retrieve(deepFacts.markdown.query, { topK: 50 });
    expect(stale.filter((hit) => metadataOf(hit).parentId === "kitchen-guide.md")).toEqual([]);
  });

  it("deleting it removes all its chunks from both sides and the store", async () => {
    const chunks = collection.store.parent("kitchen-guide.md")!.chunkIds.length;
    const total = await collection.dense!.count();
    const deleted = recordEvents("document-deleted");
    await rm(paths.markdown);
    const summary = await collection.ingest(loadFolder(folder), { removeMissing: true });
    expect(summary).toMatchObject({ documents: 2, unchanged: 2, removed: 1 });
    expect(deleted).toEqual([{ parentId: "kitchen-guide.md", chunks }]);
    expect(await collection.dense!.count()).toBe(total - chunks);
    expect(await collection.sparse.count()).toBe(total - chunks);
    expect(collection.store.parent("kitchen-guide.md")).toBeUndefined();
    const hits = await collection.search("marmalade glazing", { topK: 50 });
    expect(hits.hits.filter((hit) => metadataOf(hit).parentId === "kitchen-guide.md")).toEqual([]);
    expect(await collection.deleteParent("engineering-report.pdf")).toBeGreaterThan(40);
    expect(await collection.dense!.count()).toBe(collection.store.chunkCount);
  });
});

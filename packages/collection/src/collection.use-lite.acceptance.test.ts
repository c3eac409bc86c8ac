import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approximateTokenCounter, type ChunkMetadata } from "@hybrid-rag/chunking";
import type { Hit } from "@hybrid-rag/core";
import {
  createUseLiteEmbedder,
  type UseLiteEmbedder,
  type UseLiteTokenCounter,
  useLiteTokenCounter,
} from "@hybrid-rag/embeddings-use";
import { type LoadedDocument, loadFile, loadFolder } from "@hybrid-rag/loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedCollection, type EmbeddedCollection } from "./embedded-collection.ts";
import { deepFacts, writeSampleFolder } from "./testing/sample-folder.ts";

// The dense side with a REAL model: Universal Sentence Encoder Lite (npm weights, TensorFlow.js
// WASM, offline). The hashing embedder of collection.acceptance.test.ts only matches words; here
// a question that shares few words with the fact must still be the dense side's own first hit.

let folder: string;
let embedder: UseLiteEmbedder;
let tokenCounter: UseLiteTokenCounter;
let collection: EmbeddedCollection;
const parents = new Map<string, LoadedDocument>();

async function loadParent(path: string, id: string): Promise<LoadedDocument> {
  for await (const result of loadFile(path, id)) if (result.kind === "document") return result;
  throw new Error(`${path} did not load`);
}

const metadataOf = (hit: Hit) => hit.document!.metadata as unknown as ChunkMetadata;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "collection-use-lite-"));
  const paths = await writeSampleFolder(folder);
  parents.set("engineering-report.pdf", await loadParent(paths.pdf, "engineering-report.pdf"));
  parents.set("coast-article.html", await loadParent(paths.html, "coast-article.html"));
  parents.set("kitchen-guide.md", await loadParent(paths.markdown, "kitchen-guide.md"));
  embedder = await createUseLiteEmbedder();
  tokenCounter = useLiteTokenCounter(embedder);
  collection = createEmbeddedCollection({
    embedder,
    // Chunks sized by USE-lite's own SentencePiece tokenizer, far below its 512-token input.
    chunking: {
      maxTokens: 128,
      overlapTokens: 16,
      tokenCounter,
    },
  });
  const summary = await collection.ingest(loadFolder(folder));
  expect(summary).toMatchObject({ documents: 3, added: 3, failed: 0, oversized: 0 });
  // A few hundred chunks at most keeps this test to about a minute of CPU.
  expect(summary.chunks).toBeGreaterThan(100);
  expect(summary.chunks).toBeLessThan(400);
}, 600_000);

afterAll(async () => {
  embedder?.release();
  await rm(folder, { recursive: true, force: true });
});

describe("the dense side alone, with USE-lite (a real model), over a 40-page PDF, an HTML article and a long Markdown file", () => {
  for (const [format, id] of [
    ["pdf", "engineering-report.pdf"],
    ["html", "coast-article.html"],
    ["markdown", "kitchen-guide.md"],
  ] as const) {
    it(`ranks the ${format} fact past the first 512 tokens first for a natural-language question, with parent, offsets${format === "pdf" ? " and page" : ""}`, async () => {
      const fact = deepFacts[format];
      const parent = parents.get(id)!;
      const factOffset = parent.text.indexOf(fact.sentence);
      expect(factOffset).toBeGreaterThan(0);
      // Past the first 512 tokens by both counts: the chunker's estimate and the model's own.
      expect(approximateTokenCounter.count(parent.text.slice(0, factOffset))).toBeGreaterThan(512);
      expect(tokenCounter.count(parent.text.slice(0, factOffset))).toBeGreaterThan(512);

      const hits = await collection.dense!.retrieve(fact.question, { topK: 10 });
      const top = hits[0]!;
      expect(top.document!.text, `dense top hit for ${JSON.stringify(fact.question)}`).toContain(
        fact.sentence,
      );
      const metadata = metadataOf(top);
      expect(metadata.parentId).toBe(id);
      expect(metadata.source).toBe(join(folder, id));
      expect(parent.text.slice(metadata.start, metadata.end)).toBe(top.document!.text);
      expect(metadata.start).toBeLessThanOrEqual(factOffset);
      expect(metadata.end).toBeGreaterThanOrEqual(factOffset + fact.sentence.length);
      if (format === "pdf") {
        expect(metadata.pageStart).toBe(deepFacts.pdf.page);
        expect(metadata.pageEnd).toBe(deepFacts.pdf.page);
      }
      // Its chunk is the only one holding the fact (no overlap copy outranks or ties it).
      expect(hits.filter((hit) => hit.document!.text.includes(fact.sentence))).toHaveLength(1);
    });
  }

  it("the fused search puts the PDF fact first, found by the dense side at rank 1", async () => {
    const result = await collection.search(deepFacts.pdf.question, { topK: 5 });
    const best = result.hits[0]!;
    expect(best.document!.text).toContain(deepFacts.pdf.sentence);
    expect(best.sources.dense).toMatchObject({ status: "found", rank: 1 });
    expect(result.parents[0]!.parentId).toBe("engineering-report.pdf");
  });
});

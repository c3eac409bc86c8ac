import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { createPipeline } from "@hybrid-rag/pipeline";
import { beforeAll, describe, expect, it } from "vitest";
import { citedPassage, searchPassages } from "./cited-passages.ts";
import { createEmbeddedCollection, type EmbeddedCollection } from "./embedded-collection.ts";
import { parentDocument } from "./parent-document.ts";

const sentences = Array.from(
  { length: 40 },
  (_, index) => `Sentence ${index} talks about topic${index} and nothing else at all here.`,
);
let collection: EmbeddedCollection;

beforeAll(async () => {
  collection = createEmbeddedCollection({
    embedder: new HashingEmbedder(64),
    chunking: { maxTokens: 24, overlapTokens: 4 },
  });
  await collection.ingest([
    { id: "long", title: "Long one", text: sentences.join(" "), source: "docs/long.txt" },
    { id: "tides", text: "The moon pulls the tides twice a day.", source: "docs/tides.md" },
  ] as never);
});

describe("searchPassages", () => {
  it("cites each collection hit with its parent, source, offsets and provenance", async () => {
    const { passages, hits } = await searchPassages(collection, "topic17", { topK: 3 });
    expect(passages).toHaveLength(hits.length);
    const top = passages[0]!;
    expect(top).toMatchObject({
      rank: 1,
      parentId: "long",
      source: "docs/long.txt",
      title: "Long one",
    });
    expect(top.text).toContain("topic17");
    const parent = parentDocument(collection.store, "long");
    expect(parent.text.slice(top.start!, top.end!)).toBe(top.text);
    expect(top.provenance.retrievers.bm25).toMatchObject({ rank: 1 });
    expect(top.provenance.rerankScore).toBeNull();
  });

  it("honours topK and filters, on a pipeline as on a collection", async () => {
    const pipeline = createPipeline({
      retrievers: [collection.sparse, collection.dense!],
      topK: { retrieve: 50, final: 20 },
    });
    const filtered = await searchPassages(pipeline, "moon tides topic3", {
      topK: 2,
      filter: { parentId: "tides" },
    });
    expect(filtered.passages.map((passage) => passage.parentId)).toEqual(["tides"]);
    const two = await searchPassages(pipeline, "topic", { topK: 2 });
    expect(two.passages).toHaveLength(2);
  });

  it("refuses a topK out of range with the value", async () => {
    await expect(searchPassages(collection, "x", { topK: 0 })).rejects.toThrow(/topK.*got 0/);
  });

  it("refuses a hit without a document instead of citing nothing", () => {
    expect(() => citedPassage({ id: "a", score: 1, rank: 1, sources: {} })).toThrow(/"a"/);
  });
});

describe("parentDocument", () => {
  it("rebuilds the parent's text from overlapping chunks so every chunk sits at its offsets", () => {
    const parent = parentDocument(collection.store, "long");
    expect(parent.text).toBe(sentences.join(" "));
    expect(parent.chunks.length).toBeGreaterThan(2);
    for (const chunk of parent.chunks) {
      expect(parent.text.slice(chunk.start, chunk.end)).toBe(
        collection.store.chunk(chunk.id)!.text,
      );
    }
  });

  it("says how to find ids for an unknown one", () => {
    expect(() => parentDocument(collection.store, "nope")).toThrow(/"nope".*parentId/);
  });
});

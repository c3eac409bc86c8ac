import { createBm25Index } from "@hybrid-rag/bm25";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import { describe, expect, it } from "vitest";
import { DocumentStore } from "./document-store.ts";
import { createEmbeddedCollection, EmbeddedCollection } from "./embedded-collection.ts";
import type { HybridCollection } from "./hybrid-collection.ts";
import { RefusingEmbedder } from "./testing/refusing-embedder.ts";

const filler = (topic: string, count: number) =>
  Array.from(
    { length: count },
    (_, index) => `Paragraph ${index} keeps notes on ${topic} number ${index * 7}.`,
  ).join(" ");

/** The text of every chunk both sides hold, per side, to compare with the store. */
async function searchableTexts(collection: HybridCollection, query: string) {
  const hits = await collection.search(query, { topK: 50, candidates: 200 });
  return hits.hits.map((hit) => hit.document?.text ?? "");
}

async function expectConsistent(collection: HybridCollection) {
  expect(await collection.sparse.count()).toBe(collection.store.chunkCount);
  expect(await collection.dense!.count()).toBe(collection.store.chunkCount);
  // Each side holds exactly the store's chunk objects (no new-version chunk left behind).
  for (const parent of collection.store.parents()) {
    for (const chunk of collection.store.chunksOf(parent.id)) {
      for (const side of [collection.sparse, collection.dense!]) {
        const hits = await side.retrieve(chunk.text, { topK: 500 });
        expect(hits.find((hit) => hit.id === chunk.id)?.document).toEqual(chunk);
      }
    }
  }
}

function collectionWith(embedder: RefusingEmbedder) {
  return new EmbeddedCollection({
    sparse: createBm25Index({ name: "bm25" }),
    // Small embedder batches: a document's chunks span several calls, so a refusal can come
    // after some of its new chunks were already written over the previous version's.
    dense: createVectorIndex({ embedder, name: "dense", embedBatchSize: 2 }),
    store: new DocumentStore(),
    embedder,
    chunking: { maxTokens: 24, overlapTokens: 0 },
  });
}

describe("each document is a transaction", () => {
  it("a changed document that fails keeps its previous version searchable, on both sides", async () => {
    const embedder = new RefusingEmbedder(64);
    const collection = createEmbeddedCollection({
      embedder,
      chunking: { maxTokens: 24, overlapTokens: 0 },
    });
    await collection.ingest([
      { id: "guide", text: `Original lighthouse keeper notes. ${filler("lighthouses", 6)}` },
      { id: "other", text: `Harbour ledger. ${filler("harbours", 3)}` },
    ]);
    const before = collection.store.chunksOf("guide");
    expect(before.length).toBeGreaterThan(2);
    // The new version is longer and its refused passage comes late: earlier chunks get written.
    embedder.refuse = "forbidden";
    const summary = await collection.ingest(
      [
        {
          id: "guide",
          text: `Rewritten beacon notes. ${filler("beacons", 12)} A forbidden sentence at the end.`,
        },
        { id: "other", text: `Harbour ledger, second edition. ${filler("harbours", 3)}` },
      ],
      { batchChunks: 1 },
    );
    expect(summary).toMatchObject({ replaced: 1, failed: 1, added: 0 });
    expect(summary.failures).toEqual([
      {
        parentId: "guide",
        source: "guide",
        reason: expect.stringContaining("refused the passage"),
        previousVersion: "kept",
      },
    ]);
    expect(collection.store.chunksOf("guide").map((chunk) => chunk.text)).toEqual(
      before.map((chunk) => chunk.text),
    );
    expect(await searchableTexts(collection, "original lighthouse keeper")).toContain(
      before[0]!.text,
    );
    expect((await searchableTexts(collection, "rewritten beacon")).join(" ")).not.toContain(
      "Rewritten",
    );
    const dense = await collection.dense!.retrieve("Original lighthouse keeper notes", {
      topK: 1,
    });
    expect(dense[0]!.document).toEqual(collection.store.chunk(before[0]!.id));
    expect(collection.store.chunksOf("other")[0]!.text).toContain("second edition");
    await expectConsistent(collection);
  });

  it("restores the previous chunks the dense side had already overwritten", async () => {
    const embedder = new RefusingEmbedder(64);
    const collection = collectionWith(embedder);
    await collection.ingest([{ id: "guide", text: `First edition. ${filler("tides", 8)}` }]);
    const before = collection.store.chunksOf("guide").map((chunk) => chunk.text);
    embedder.refuse = "forbidden";
    const summary = await collection.ingest([
      { id: "guide", text: `Second edition. ${filler("storms", 8)} forbidden words at the end.` },
    ]);
    expect(summary.failures.map((failure) => failure.previousVersion)).toEqual(["kept"]);
    expect(collection.store.chunksOf("guide").map((chunk) => chunk.text)).toEqual(before);
    const hits = await collection.dense!.retrieve("First edition", { topK: 50 });
    expect(hits.map((hit) => hit.document?.text).sort()).toEqual([...before].sort());
    await expectConsistent(collection);
  });

  it("an ingest where every document fails changes nothing and lists every reason", async () => {
    const embedder = new RefusingEmbedder(64);
    const collection = createEmbeddedCollection({ embedder });
    await collection.ingest([
      { id: "a", text: "apples and pears" },
      { id: "b", text: "bananas and plums" },
    ]);
    embedder.refuseAll = true;
    const summary = await collection.ingest([
      { id: "a", text: "apples, revised" },
      { id: "b", text: "bananas, revised" },
      { id: "c", text: "cherries, new" },
    ]);
    expect(summary).toMatchObject({ added: 0, replaced: 0, failed: 3, chunks: 0 });
    expect(summary.failures.map((failure) => [failure.parentId, failure.previousVersion])).toEqual([
      ["a", "kept"],
      ["b", "kept"],
      ["c", "none"],
    ]);
    expect(collection.store.chunksOf("a")[0]!.text).toBe("apples and pears");
    expect(collection.store.parent("c")).toBeUndefined();
    await expectConsistent(collection);
  });

  it("a refusal fails only the document it is about, not the others sent with it", async () => {
    const embedder = new RefusingEmbedder(64);
    const collection = createEmbeddedCollection({ embedder });
    await collection.ingest([
      { id: "a", text: "apples and pears" },
      { id: "b", text: "bananas and plums" },
    ]);
    embedder.refuse = "forbidden";
    // One batch, one embedder call for both: the service refuses the call as a whole.
    const summary = await collection.ingest([
      { id: "a", text: "apples, revised" },
      { id: "b", text: "bananas, forbidden revision" },
    ]);
    expect(summary).toMatchObject({ replaced: 1, failed: 1 });
    expect(summary.failures.map((failure) => failure.parentId)).toEqual(["b"]);
    expect(collection.store.chunksOf("a")[0]!.text).toBe("apples, revised");
    expect(collection.store.chunksOf("b")[0]!.text).toBe("bananas and plums");
    await expectConsistent(collection);
  });

  it("a shorter new version drops the previous version's extra chunks once it is written", async () => {
    const collection = createEmbeddedCollection({
      embedder: new RefusingEmbedder(64),
      chunking: { maxTokens: 24, overlapTokens: 0 },
    });
    await collection.ingest([{ id: "doc", text: `Long version. ${filler("canals", 10)}` }]);
    expect(collection.store.chunksOf("doc").length).toBeGreaterThan(2);
    const summary = await collection.ingest([{ id: "doc", text: "Short version." }]);
    expect(summary).toMatchObject({ replaced: 1, failed: 0 });
    expect(collection.store.chunkCount).toBe(1);
    await expectConsistent(collection);
  });
});

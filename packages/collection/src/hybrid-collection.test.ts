import { createChunker } from "@hybrid-rag/chunking";
import type { Embedder } from "@hybrid-rag/core";
import { HashingEmbedder, InMemoryKeywordRetriever } from "@hybrid-rag/core/testing";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import { describe, expect, it } from "vitest";
import { buildContext } from "./build-context.ts";
import { DocumentStore } from "./document-store.ts";
import { HybridCollection } from "./hybrid-collection.ts";

/** Fails every batch that contains the word "poison" (an embedding service rejecting input). */
class PickyEmbedder implements Embedder {
  readonly name = "picky";
  readonly dimension = 64;
  readonly #inner = new HashingEmbedder(64);
  embedQueries(texts: readonly string[]) {
    return this.#inner.embedQueries(texts);
  }
  async embedPassages(texts: readonly string[]) {
    if (texts.some((text) => text.includes("poison")))
      throw new Error("embedding service said 422");
    return this.#inner.embedPassages(texts);
  }
}

function collectionOverAnyPair(embedder: Embedder = new HashingEmbedder(64)) {
  return new HybridCollection({
    sparse: new InMemoryKeywordRetriever("keyword"),
    dense: createVectorIndex({ embedder, name: "dense", embedBatchSize: 4 }),
    store: new DocumentStore(),
    chunker: createChunker({ maxTokens: 16, overlapTokens: 0 }),
  });
}

const long = (words: string) =>
  `${words}. ${"Filler words about nothing in particular. ".repeat(6)}`;

describe("HybridCollection over any Retriever & DocumentIndex pair", () => {
  it("ingests plain documents, counts duplicates, and searches both sides", async () => {
    const collection = collectionOverAnyPair();
    const summary = await collection.ingest([
      { id: "a", text: long("alpha apples") },
      { id: "b", text: long("beta bananas") },
      { id: "a", text: "the same id again" },
    ]);
    expect(summary).toMatchObject({ documents: 3, added: 2, duplicates: 1, failed: 0 });
    const { parents, hits } = await collection.search("bananas", { topK: 5 });
    expect(parents[0]!.parentId).toBe("b");
    expect(hits[0]!.sources.keyword?.status).toBe("found");
  });

  it("keeps no chunk of a document whose chunks failed on one side, and reports it", async () => {
    const collection = collectionOverAnyPair(new PickyEmbedder());
    const failed: string[] = [];
    collection.events.on("document-failed", ({ parentId }) => failed.push(parentId));
    const summary = await collection.ingest(
      [
        { id: "good", text: long("good gravy") },
        { id: "bad", text: long("poison pill") },
      ],
      { batchChunks: 1 },
    );
    expect(summary).toMatchObject({ added: 1, failed: 1 });
    expect(summary.failures).toEqual([
      {
        parentId: "bad",
        source: "bad",
        reason: expect.stringContaining("embedding service said 422"),
        previousVersion: "none",
      },
    ]);
    expect(failed).toEqual(["bad"]);
    expect(collection.store.parent("bad")).toBeUndefined();
    expect(await collection.sparse.count()).toBe(collection.store.chunkCount);
    expect(await collection.dense!.count()).toBe(collection.store.chunkCount);
    const again = await collection.ingest([{ id: "bad", text: long("cured pill") }]);
    expect(again).toMatchObject({ added: 1, failed: 0 });
  });

  it("builds a context that merges adjacent chunks of one parent and stays within budget", async () => {
    const collection = collectionOverAnyPair();
    await collection.ingest([
      {
        id: "doc",
        title: "Doc",
        text: "one two three four five six seven eight nine ten. ".repeat(8),
      },
    ]);
    const chunks = collection.store.chunksOf("doc");
    expect(chunks.length).toBeGreaterThan(2);
    const hits = chunks.slice(0, 3).map((chunk, index) => ({
      id: chunk.id,
      score: 1 - index / 10,
      rank: index + 1,
      document: chunk,
      sources: {},
    }));
    const context = buildContext(hits, { maxTokens: 1000 });
    expect(context.citations).toHaveLength(1);
    expect(context.citations[0]).toMatchObject({
      number: 1,
      parentId: "doc",
      start: chunks[0]!.metadata.start,
      end: chunks[2]!.metadata.end,
    });
    const small = buildContext(hits.slice(0, 1), { maxTokens: 5 });
    expect(small.citations).toEqual([]);
    expect(small.omitted).toHaveLength(1);
  });
});

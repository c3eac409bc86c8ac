import type { Document, Embedder } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { createEmbeddedCollection } from "./embedded-collection.ts";

/** A hashing embedder whose calls wait until `open()`; it records how many ran at once. */
class GatedEmbedder implements Embedder {
  readonly name = "hashing";
  readonly dimension = 16;
  calls = 0;
  running = 0;
  mostAtOnce = 0;
  readonly #inner = new HashingEmbedder(16);
  #gate: Promise<void>;
  #open!: () => void;

  constructor() {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  open(): void {
    this.#open();
  }

  embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    return this.#inner.embedQueries(texts);
  }

  async embedPassages(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls++;
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    await this.#gate;
    this.running--;
    return this.#inner.embedPassages(texts);
  }
}

const documents = (count: number): Document[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `doc-${index}`,
    text: `Document ${index} is about topic ${index % 7} and nothing else.`,
  }));

describe("ingest pipelining", () => {
  it("reads and chunks the next batch while one is embedded, and no further (bounded)", async () => {
    const embedder = new GatedEmbedder();
    const collection = createEmbeddedCollection({ embedder });
    let pulled = 0;
    async function* input() {
      for (const document of documents(40)) {
        pulled++;
        yield document;
      }
    }
    // One chunk per document; batches of 10 chunks.
    const ingest = collection.ingest(input(), { batchChunks: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Batch 1 is being embedded (blocked); batch 2 was gathered meanwhile (documents 11–20)
    // and waits for batch 1 to finish: nothing more is read.
    expect(embedder.calls).toBe(1);
    expect(pulled).toBe(20);
    embedder.open();
    const summary = await ingest;
    expect(summary).toMatchObject({ documents: 40, added: 40, chunks: 40, failed: 0 });
    expect(await collection.dense!.count()).toBe(40);
    // Batches reach the store in input order.
    expect([...collection.store.parents()].map((parent) => parent.id)).toEqual(
      documents(40).map((document) => document.id),
    );
  });

  it("reports the time spent per stage", async () => {
    const embedder = new GatedEmbedder();
    embedder.open();
    const collection = createEmbeddedCollection({ embedder });
    const summary = await collection.ingest(documents(30), { batchChunks: 8 });
    const { stages } = summary;
    expect(Object.keys(stages).sort()).toEqual(["chunkMs", "embedMs", "loadMs", "writeMs"]);
    for (const value of Object.values(stages)) {
      expect(Number.isFinite(value) && value >= 0).toBe(true);
    }
    expect(stages.embedMs).toBeGreaterThan(0);
    expect(stages.chunkMs).toBeGreaterThan(0);
  });
});

describe("vector index upsert", () => {
  it("keeps several embedding calls in flight, four at most", async () => {
    const embedder = new GatedEmbedder();
    const collection = createEmbeddedCollection({ embedder });
    // 300 documents: the vector index embeds 64 at a time, so five calls, four ahead at once.
    const writing = collection.dense!.upsert(documents(300));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(embedder.running).toBe(4);
    embedder.open();
    expect(await writing).toMatchObject({ succeeded: 300, failed: [] });
    expect(embedder.mostAtOnce).toBe(4);
    expect(await collection.dense!.count()).toBe(300);
  });
});

import type { Embedder } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { createVectorIndex } from "./vector-index.ts";

const documents = [
  { id: "a", text: "tide gauge float" },
  { id: "b", text: "lighthouse lantern paint" },
  { id: "c", text: "pilot boat diesel" },
];

describe("vectorOf and upsertVectors", () => {
  for (const backend of ["exact", "hnsw"] as const) {
    it(`replays stored vectors into another index with the same results, no embedder call (${backend})`, async () => {
      const embedder = new HashingEmbedder(16);
      const source = createVectorIndex({ embedder, name: "dense", backend });
      await source.upsert(documents);
      const vectors = documents.map((document) => source.vectorOf(document.id)!);
      expect(vectors.every((vector) => vector.length === 16)).toBe(true);
      expect(source.vectorOf("missing")).toBeUndefined();
      let calls = 0;
      const counting: Embedder = {
        name: embedder.name,
        dimension: embedder.dimension,
        embedQueries: (texts) => embedder.embedQueries(texts),
        embedPassages: (texts) => {
          calls++;
          return embedder.embedPassages(texts);
        },
      };
      const replayed = createVectorIndex({ embedder: counting, name: "dense", backend });
      await replayed.upsertVectors(
        documents.map((document, row) => ({ document, vector: vectors[row]! })),
      );
      expect(calls).toBe(0);
      expect(await replayed.count()).toBe(3);
      for (const query of ["tide float", "diesel boat"]) {
        const [expected, actual] = await Promise.all([
          source.retrieve(query, { topK: 3 }),
          replayed.retrieve(query, { topK: 3 }),
        ]);
        expect(actual.map((hit) => [hit.id, hit.score])).toEqual(
          expected.map((hit) => [hit.id, hit.score]),
        );
      }
      // Replacing keeps one entry per id.
      await replayed.upsertVectors([{ document: documents[0]!, vector: vectors[1]! }]);
      expect(await replayed.count()).toBe(3);
      expect(replayed.vectorOf("a")).toEqual(vectors[1]);
    });
  }

  it("refuses a vector of the wrong dimension, naming the document", async () => {
    const index = createVectorIndex({ embedder: new HashingEmbedder(16), name: "dense" });
    await expect(
      index.upsertVectors([{ document: documents[0]!, vector: new Float32Array(8) }]),
    ).rejects.toThrow(/"a".*16/);
  });
});

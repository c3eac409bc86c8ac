import type { Document, Embedder } from "@hybrid-rag/core";
import { HashingEmbedder, tinyPng } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { createVectorIndex } from "./vector-index.ts";

const image = { mediaType: "image/png" as const, data: tinyPng() };

/** A HashingEmbedder that records every text it is asked to embed. */
function recordingEmbedder(seen: string[]): Embedder {
  const inner = new HashingEmbedder(32);
  return {
    name: "recording",
    dimension: inner.dimension,
    embedQueries: (texts, options) => inner.embedQueries(texts, options),
    embedPassages: (texts, options) => {
      seen.push(...texts);
      return inner.embedPassages(texts, options);
    },
  };
}

describe("image-only documents in the vector index", () => {
  it("are never sent to the text embedder, are reported in `skipped`, and replace their text version", async () => {
    const seen: string[] = [];
    const index = createVectorIndex({ embedder: recordingEmbedder(seen) });
    const texts: Document[] = [
      { id: "a", text: "tides and the moon" },
      { id: "c", text: "moon landing photos" },
    ];
    await index.upsert(texts);
    seen.length = 0;
    const report = await index.upsert([
      { id: "page-1", text: "", image },
      { id: "c", text: "", image },
      { id: "d", text: "a caption", image },
    ]);
    expect(seen).toEqual(["a caption"]);
    expect(report.succeeded).toBe(1);
    expect(report.skipped?.map((skip) => [skip.id, skip.index])).toEqual([
      ["page-1", 0],
      ["c", 1],
    ]);
    expect(report.skipped?.[0]?.reason).toMatch(/text embedder reads text only/);
    expect(await index.count()).toBe(2);
    const hits = await index.retrieve("moon landing photos", { topK: 10 });
    expect(hits.map((hit) => hit.id).sort()).toEqual(["a", "d"]);
  });
});

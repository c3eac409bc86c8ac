import type { Document } from "@hybrid-rag/core";
import { tinyPng } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";

const image = { mediaType: "image/png" as const, data: tinyPng() };

describe('image-only documents (text "" and an image)', () => {
  it("are skipped and reported, change no statistic, and remove the text version they replace", async () => {
    const index = createBm25Index();
    const reference = createBm25Index();
    const texts: Document[] = [
      { id: "a", text: "tides and the moon" },
      { id: "b", text: "solar panels on roofs" },
    ];
    await reference.upsert(texts);
    await index.upsert([...texts, { id: "c", text: "moon landing photos" }]);
    const report = await index.upsert([
      { id: "page-1", text: "", image },
      { id: "c", text: "", image },
      { id: "d", text: "a caption beside a figure", image },
    ]);
    expect(report.succeeded).toBe(1);
    expect(report.failed).toEqual([]);
    expect(report.skipped?.map(({ id, index: position }) => [id, position])).toEqual([
      ["page-1", 0],
      ["c", 1],
    ]);
    expect(report.skipped?.[0]?.reason).toMatch(/reads text only and this document is image-only/);
    await reference.upsert([{ id: "d", text: "a caption beside a figure", image }]);
    expect(await index.count()).toBe(3);
    // "c" is gone (its image-only version replaced it) and scores equal an index that never had it.
    const hits = await index.retrieve("moon", { topK: 10 });
    const expected = await reference.retrieve("moon", { topK: 10 });
    expect(hits.map((hit) => [hit.id, hit.score])).toEqual(
      expected.map((hit) => [hit.id, hit.score]),
    );
  });

  it("leaves the report without `skipped` when nothing was skipped", async () => {
    const report = await createBm25Index().upsert([{ id: "a", text: "x" }]);
    expect(report).toEqual({ succeeded: 1, failed: [] });
  });
});

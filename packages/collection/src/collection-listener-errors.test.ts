import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { createEmbeddedCollection } from "./embedded-collection.ts";

const documents = [
  { id: "a", text: "apples grow in the northern orchard" },
  { id: "b", text: "bananas ripen in the southern greenhouse" },
];

describe("collection event listeners that fail", () => {
  it("never fail the ingest; the listeners after them still run; the summary says which", async () => {
    const collection = createEmbeddedCollection({ embedder: new HashingEmbedder(64) });
    for (const event of ["ingest-progress", "document-chunked", "batch-indexed"] as const) {
      collection.events.on(event, () => {
        throw new Error(`${event} dashboard is down`);
      });
    }
    collection.events.on("document-chunked", async () => {
      throw new Error("async sink failed");
    });
    const chunked: string[] = [];
    collection.events.on("document-chunked", ({ parentId }) => chunked.push(parentId));
    const summary = await collection.ingest(documents);
    expect(summary).toMatchObject({ added: 2, failed: 0 });
    expect(chunked).toEqual(["a", "b"]);
    expect(collection.store.parentCount).toBe(2);
    // Let the rejected promises of the async listener settle into the warnings.
    await new Promise((resolve) => setImmediate(resolve));
    expect(new Set(summary.warnings)).toEqual(
      new Set([
        'a "document-chunked" event listener threw and was skipped (the ingest went on): document-chunked dashboard is down',
        'a "batch-indexed" event listener threw and was skipped (the ingest went on): batch-indexed dashboard is down',
        'a "ingest-progress" event listener threw and was skipped (the ingest went on): ingest-progress dashboard is down',
        'a "document-chunked" event listener threw and was skipped (the ingest went on): async sink failed',
      ]),
    );
    expect((await collection.search("bananas greenhouse")).parents[0]?.parentId).toBe("b");
  });

  it("outside an ingest become process warnings, and the deletion still completes", async () => {
    const collection = createEmbeddedCollection({ embedder: new HashingEmbedder(64) });
    await collection.ingest(documents);
    collection.events.on("document-deleted", () => {
      throw new Error("audit log is down");
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    try {
      expect(await collection.deleteParent("a")).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(collection.store.parent("a")).toBeUndefined();
    expect(warnings).toEqual([
      'a "document-deleted" listener threw and was skipped: audit log is down',
    ]);
  });
});

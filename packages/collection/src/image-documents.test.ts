import { describe, expect, it } from "vitest";
import { createEmbeddedCollection } from "./embedded-collection.ts";

// A 1 × 1 PNG (its magic bytes and IHDR are what core checks).
const png = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
    "base64",
  ),
);

describe("documents carrying images (not stored by the collection yet)", () => {
  it("reports an image-only document as skipped, and a text document's image as a warning, instead of dropping them", async () => {
    const collection = createEmbeddedCollection({});
    const summary = await collection.ingest([
      { id: "report.pdf", text: "Harbour fees by quarter are in the chart on page 2." },
      { id: "report.pdf#page=2", text: "", image: { mediaType: "image/png", data: png } },
      {
        id: "figure",
        text: "A figure with a caption about berth fees.",
        image: { mediaType: "image/png", data: png },
      },
    ]);
    expect(summary).toMatchObject({ documents: 2, added: 2, failed: 0 });
    expect(summary.skipped).toEqual([
      {
        source: "report.pdf#page=2",
        reason:
          "an image-only document (report.pdf#page=2): this collection does not store images yet, so it was not ingested (rerank page images from the loader's documents directly)",
      },
    ]);
    expect(summary.warnings).toEqual([
      "figure: its text was ingested, its image was not (this collection does not store images yet)",
    ]);
    expect(collection.store.parent("report.pdf#page=2")).toBeUndefined();
  });
});

import { createHash } from "node:crypto";
import type {
  Document,
  Hit,
  ImageResolver,
  InlineImage,
  Reranker,
  RerankOptions,
  StageErrorEvent,
} from "@hybrid-rag/core";
import { inlineImageOf } from "@hybrid-rag/core";
import { expectErrorCode, tinyPng, WordOverlapReranker } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { scriptedRetriever } from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";

// A pipeline whose candidates mix text chunks and page images (inline bytes and references a
// collection stores): an image-aware reranker gets the images, a text-only one is refused.

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const chart: InlineImage = { mediaType: "image/png", data: tinyPng(4, 4, 1) };
const scan: InlineImage = { mediaType: "image/png", data: tinyPng(4, 4, 2) };
/** The collection's image store, as an ImageResolver sees it. */
const store = new Map([[sha256(scan.data), scan]]);
const resolver: ImageResolver & { readonly resolved: string[] } = {
  resolved: [],
  async resolveImage(image) {
    const found = store.get(image.ref);
    if (found === undefined) throw new Error(`no image ${image.ref}`);
    this.resolved.push(image.ref);
    return found;
  },
};

const documents: Document[] = [
  { id: "chunk-1", text: "quarterly revenue table" },
  { id: "page-3", text: "", image: chart },
  { id: "page-4", text: "", image: { mediaType: "image/png", ref: sha256(scan.data) } },
  { id: "figure-2", text: "revenue by region", image: chart },
];
const retriever = scriptedRetriever("collection", async () =>
  documents.map((document, index) => ({
    id: document.id,
    score: 10 - index,
    rank: index + 1,
    document,
    sources: { collection: { status: "found", rank: index + 1, score: 10 - index } },
  })),
);

/**
 * A model-less image-aware reranker (the interface a VLM reranker implements): resolves each
 * candidate's image and scores by the image bytes it was given, so the test sees which image
 * reached it.
 */
function imageReranker(): Reranker & { readonly seen: Map<string, string> } {
  const seen = new Map<string, string>();
  return {
    name: "vlm",
    accepts: { images: true },
    seen,
    async rerank(_query: string, candidates: readonly Hit[], options?: RerankOptions) {
      const scored = await Promise.all(
        candidates.map(async (hit) => {
          const image = hit.document?.image;
          const bytes = image ? (await inlineImageOf(image, resolver, hit.id)).data : undefined;
          seen.set(hit.id, bytes ? sha256(bytes) : "");
          return { hit, score: bytes ? bytes[bytes.length - 20]! : 0 };
        }),
      );
      scored.sort((a, b) => b.score - a.score || a.hit.rank - b.hit.rank);
      return scored.slice(0, options?.topN ?? scored.length).map(({ hit, score }, index) => ({
        ...hit,
        score,
        rank: index + 1,
        rerank: { reranker: "vlm", score, previousRank: hit.rank, previousScore: hit.score },
      }));
    },
  };
}

describe("a pipeline over text and image candidates", () => {
  it("reaches an image-aware reranker with every image, stored references resolved", async () => {
    const reranker = imageReranker();
    const pipeline = createPipeline({ retrievers: [retriever], reranker, topK: { final: 4 } });
    const { hits } = await pipeline.run("revenue chart");
    expect(new Set(hits.map((hit) => hit.id))).toEqual(new Set(documents.map((d) => d.id)));
    expect(reranker.seen).toEqual(
      new Map([
        ["chunk-1", ""],
        ["page-3", sha256(chart.data)],
        ["page-4", sha256(scan.data)],
        ["figure-2", sha256(chart.data)],
      ]),
    );
    expect(hits.every((hit) => hit.rerank?.reranker === "vlm")).toBe(true);
  });

  it("keys the score cache on the image too: two image-only pages never share a score", async () => {
    const reranker = imageReranker();
    const pipeline = createPipeline({
      retrievers: [retriever],
      reranker,
      topK: { final: 4 },
      scoreCache: { maxEntries: 100 },
    });
    const first = await pipeline.run("revenue chart");
    const again = await pipeline.run("revenue chart");
    expect(again.rerank?.cache).toEqual({ hits: 4, misses: 0 });
    expect(again.hits.map((hit) => [hit.id, hit.score])).toEqual(
      first.hits.map((hit) => [hit.id, hit.score]),
    );
    const score = (id: string) => first.hits.find((hit) => hit.id === id)?.score;
    expect(score("page-3")).not.toBe(score("page-4"));
  });

  it("refuses a text-only reranker fed image-only candidates (unsupported, even with fallback), naming one", async () => {
    const pipeline = createPipeline({
      retrievers: [retriever],
      reranker: new WordOverlapReranker(),
      onRerankFailure: "fallback",
    });
    const errors: StageErrorEvent[] = [];
    pipeline.events.on("stage-error", (event) => errors.push(event));
    await expectErrorCode(pipeline.run("revenue chart"), "unsupported");
    await expect(pipeline.run("revenue chart")).rejects.toThrow(
      /is text-only and candidate page-3 is image-only: rerank with an image-aware reranker/,
    );
    expect(errors[0]).toMatchObject({ stage: "rerank", recovered: false });
  });
});

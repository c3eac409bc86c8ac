import type { Document, Hit, Reranker, RerankOptions } from "@hybrid-rag/core";
import { tinyPng, WordOverlapReranker } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { scriptedRetriever } from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";
import { type PageImageSource, withPageImages } from "./page-images.ts";

// Text chunks of two PDFs; page 2 of report.pdf is a chart whose text layer says nothing, so
// no retriever finds it: only its page image, added to the candidates, can be reranked up.

const chunk = (id: string, parentId: string, pageStart: number, pageEnd = pageStart): Document => ({
  id,
  text: `text of ${id}`,
  metadata: { parentId, pageStart, pageEnd },
});
const pageImage = (parent: string, page: number): Document => ({
  id: `${parent}#page=${page}#0`,
  text: "",
  image: { mediaType: "image/png", data: tinyPng(2, 2, page) },
  metadata: { parent, page },
});
const pages = new Map(
  [pageImage("report.pdf", 1), pageImage("report.pdf", 2), pageImage("other.pdf", 1)].map(
    (image) => [`${image.metadata!.parent}/${image.metadata!.page}`, image],
  ),
);
const source: PageImageSource & { asked: string[] } = {
  asked: [],
  pageImagesOf(document) {
    this.asked.push(document.id);
    const { parentId, pageStart, pageEnd } = document.metadata as Record<string, number | string>;
    const found: Document[] = [];
    for (let page = pageStart as number; page <= (pageEnd as number); page++) {
      const image = pages.get(`${parentId}/${page}`);
      if (image) found.push(image);
    }
    return found;
  },
};
const candidates: Document[] = [
  chunk("report.pdf#0", "report.pdf", 1, 2),
  chunk("other.pdf#0", "other.pdf", 1),
  chunk("report.pdf#1", "report.pdf", 2),
];
const hits = (documents: readonly Document[]): Hit[] =>
  documents.map((document, index) => ({
    id: document.id,
    score: 10 - index,
    rank: index + 1,
    document,
    sources: { bm25: { status: "found", rank: index + 1, score: 10 - index } },
  }));
const retriever = scriptedRetriever("bm25", async () => hits(candidates));

/** An image-aware reranker that puts image candidates first: what a VLM does with a chart that answers. */
function imageFirstReranker(): Reranker & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: "vlm",
    accepts: { images: true },
    seen,
    async rerank(_query: string, given: readonly Hit[], options?: RerankOptions) {
      seen.push(...given.map((hit) => hit.id));
      const scored = given.map((hit) => ({ hit, score: hit.document?.image ? 1 : 0 }));
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

describe("page images joining the rerank candidates", () => {
  it("appends each candidate's page images once, in candidate order, bounded, linked to the hit that brought them", () => {
    const added = withPageImages(hits(candidates), source, 8);
    expect(added.map((hit) => hit.id)).toEqual([
      "report.pdf#0",
      "other.pdf#0",
      "report.pdf#1",
      "report.pdf#page=1#0",
      "report.pdf#page=2#0",
      "other.pdf#page=1#0",
    ]);
    expect(added[4]).toMatchObject({
      rank: 5,
      score: 10,
      sources: { "page-image": { status: "found", rank: 1, score: 10 } },
    });
    expect(
      withPageImages(hits(candidates), source, 2)
        .map((hit) => hit.id)
        .slice(3),
    ).toEqual(["report.pdf#page=1#0", "report.pdf#page=2#0"]);
    // An image already among the candidates is not added twice; image candidates bring none.
    const withImage = hits([...candidates, pageImage("report.pdf", 2)]);
    source.asked.length = 0;
    expect(
      withPageImages(withImage, source, 8)
        .map((hit) => hit.id)
        .slice(4),
    ).toEqual(["report.pdf#page=1#0", "other.pdf#page=1#0"]);
    expect(source.asked).not.toContain("report.pdf#page=2#0");
  });

  it('reranks a chart page no retriever found up to first with pageImages "add"', async () => {
    const reranker = imageFirstReranker();
    const pipeline = createPipeline({
      retrievers: [retriever],
      reranker,
      pageImages: "add",
      maxPageImages: 2,
      pageImageSource: source,
      topK: { final: 3 },
    });
    const result = await pipeline.run("berth fees by quarter");
    expect(reranker.seen).toEqual([
      "report.pdf#0",
      "other.pdf#0",
      "report.pdf#1",
      "report.pdf#page=1#0",
      "report.pdf#page=2#0",
    ]);
    expect(result.hits.map((hit) => hit.id)).toEqual([
      "report.pdf#page=1#0",
      "report.pdf#page=2#0",
      "report.pdf#0",
    ]);
  });

  it('adds nothing with pageImages "off" (the default)', async () => {
    const reranker = imageFirstReranker();
    const pipeline = createPipeline({ retrievers: [retriever], reranker, topK: { final: 3 } });
    await pipeline.run("berth fees");
    expect(reranker.seen).toEqual(candidates.map((document) => document.id));
  });

  it("refuses at build time what cannot work: a text-only reranker, no reranker, no source, a stray maxPageImages", () => {
    const build = (options: Record<string, unknown>) => () =>
      createPipeline({ retrievers: [retriever], ...options });
    expect(
      build({ reranker: new WordOverlapReranker(), pageImages: "add", pageImageSource: source }),
    ).toThrow(
      /pageImages "add" needs a reranker that looks at images, and "word-overlap" is text-only \(no accepts.images\)/,
    );
    expect(build({ pageImages: "add", pageImageSource: source })).toThrow(
      /pageImages "add" adds page images to the reranker's candidates, and there is no reranker/,
    );
    expect(build({ reranker: imageFirstReranker(), pageImages: "add" })).toThrow(
      /pageImages "add" needs pageImageSource/,
    );
    expect(build({ reranker: imageFirstReranker(), maxPageImages: 3 })).toThrow(
      /maxPageImages is set but pageImages is not "add"/,
    );
    expect(build({ reranker: imageFirstReranker(), pageImages: "sometimes" })).toThrow(
      /pageImages must be "off" or "add"/,
    );
  });
});

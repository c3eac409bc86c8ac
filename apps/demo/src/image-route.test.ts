import { createHash } from "node:crypto";
import { standardAnalyzer } from "@hybrid-rag/bm25";
import { type Hit, HybridRagError, type InlineImage, type Retriever } from "@hybrid-rag/core";
import { tinyPng } from "@hybrid-rag/core/testing";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DemoEngine } from "./demo-engine.ts";
import { createDemoServer } from "./demo-server.ts";
import type { DemoImages } from "./page-thumbnails.ts";

/** The JSON of /api/status, loosely. */
// biome-ignore lint/suspicious/noExplicitAny: checked by the assertions
type SearchBody = Record<string, any>;

// The thumbnails of the hits and the route that serves them, over an image store held in a
// Map (the collection-backed one runs in demo-images.browser.test.ts).

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const chart: InlineImage = { mediaType: "image/png", data: tinyPng(6, 8, 3) };
const textPage: InlineImage = { mediaType: "image/png", data: tinyPng(6, 8, 4) };
const chartRef = { mediaType: "image/png" as const, ref: sha256(chart.data), width: 6, height: 8 };
const textPageRef = { mediaType: "image/png" as const, ref: sha256(textPage.data) };
const stored = new Map([
  [chartRef.ref, chart],
  [textPageRef.ref, textPage],
]);

const chartPage = {
  id: "report.pdf#page=2",
  text: "",
  image: chartRef,
  metadata: { parent: "report.pdf", page: 2 },
};
const textChunk = {
  id: "report.pdf#0",
  text: "Revenue by quarter is in the chart on the next page.",
  title: "Annual report",
  metadata: { parentId: "report.pdf", pageStart: 1, pageEnd: 1, pageLabelStart: "ix" },
};

const images: DemoImages & { reads: number } = {
  reads: 0,
  resolver: {
    async resolveImage(image) {
      images.reads++;
      const found = stored.get(image.ref);
      if (!found) throw new HybridRagError("not-found", `no image ${image.ref}`);
      return found;
    },
  },
  storedType: (ref) => stored.get(ref)?.mediaType,
  pageImagesOf: (document) =>
    document.id === textChunk.id
      ? [
          {
            id: "report.pdf#page=1",
            text: "",
            image: textPageRef,
            metadata: { parent: "report.pdf", page: 1 },
          },
          chartPage,
        ]
      : [],
};

const hit = (document: Hit["document"] & {}, rank: number): Hit => ({
  id: document.id,
  rank,
  score: 1 / rank,
  document,
  sources: { scripted: { status: "found", rank, score: 1 / rank } },
});
const sparse: Retriever = {
  name: "scripted",
  retrieve: async () => [hit(textChunk, 1), hit(chartPage, 2)],
};

let app: FastifyInstance;
let url: string;
beforeAll(async () => {
  app = createDemoServer({
    engine: new DemoEngine({
      sparse,
      fusion: reciprocalRankFusion(),
      indexes: [],
      descriptions: { sparse: "scripted", dense: "", fused: "RRF", reranked: "" },
      off: {
        dense: { reason: "none", howToEnable: "-" },
        reranked: { reason: "none", howToEnable: "-" },
      },
      analyzer: standardAnalyzer,
      images,
    }),
    corpus: { source: "test", documents: 1 },
    logLevel: "silent",
  });
  url = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await app?.close();
});

describe("page thumbnails", () => {
  it("links an image hit to its own image and a text hit to the image of its page, with provenance", async () => {
    const response = await fetch(`${url}/api/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "revenue" }),
    });
    const body = (await response.json()) as {
      error?: string;
      stages: { stage: string; hits: Record<string, unknown>[] }[];
    };
    expect(body.error).toBeUndefined();
    for (const stage of ["sparse", "fused"]) {
      const hits = body.stages.find((entry) => entry.stage === stage)!.hits;
      expect(hits.map((entry) => entry.id)).toEqual([textChunk.id, chartPage.id]);
      expect(hits[0]).toMatchObject({
        kind: "text chunk",
        parentId: "report.pdf",
        pages: "p. 1 (printed ix)",
        thumbnails: [
          { url: `/api/images/${textPageRef.ref}.png`, page: 1, relation: "on" },
          { url: `/api/images/${chartRef.ref}.png`, page: 2, relation: "beside" },
        ],
      });
      expect(hits[1]).toMatchObject({
        kind: "page image",
        parentId: "report.pdf",
        pages: "p. 2",
        thumbnails: [
          { url: `/api/images/${chartRef.ref}.png`, page: 2, width: 6, height: 8, relation: "hit" },
        ],
      });
    }
    expect(JSON.stringify(body)).not.toContain("base64");
  });

  it("serves a stored image with its type and for good, and 304 when the browser has it", async () => {
    const response = await fetch(`${url}/api/images/${chartRef.ref}.png`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(chart.data))).toBe(true);
    const reads = images.reads;
    const again = await fetch(`${url}/api/images/${chartRef.ref}.png`, {
      headers: { "if-none-match": `"${chartRef.ref}"` },
    });
    expect(again.status).toBe(304);
    expect(images.reads).toBe(reads);
  });

  it("answers 404 to anything but a stored image's hash and type, without reading", async () => {
    const reads = images.reads;
    for (const name of [
      `${"0".repeat(64)}.png`, // a hash the collection does not store
      `${chartRef.ref}.jpg`, // a stored hash under another type
      `${chartRef.ref}.txt`,
      chartRef.ref,
      `${chartRef.ref.toUpperCase()}.png`,
      "..%2F..%2Fetc%2Fpasswd",
      "%2e%2e%2fmanifest.json",
    ]) {
      const response = await fetch(`${url}/api/images/${name}`);
      expect(response.status, name).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe("not-found");
    }
    const nested = await fetch(`${url}/api/images/../../etc/passwd`);
    expect(nested.status).toBe(404);
    expect(images.reads).toBe(reads);
  });
});

describe("image reads", () => {
  it("are bounded: one more than running and waiting is answered 503 with Retry-After", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated: DemoImages = {
      ...images,
      resolver: {
        async resolveImage(image) {
          await gate;
          return images.resolver.resolveImage(image);
        },
      },
    };
    const bounded = createDemoServer({
      engine: new DemoEngine({
        fusion: reciprocalRankFusion(),
        indexes: [],
        descriptions: { sparse: "", dense: "", fused: "", reranked: "" },
        off: {},
        analyzer: standardAnalyzer,
        images: gated,
      }),
      corpus: { source: "test", documents: 1 },
      logLevel: "silent",
      limits: { maxConcurrentImageReads: 1, maxQueuedImageReads: 1 },
    });
    const base = await bounded.listen({ host: "127.0.0.1", port: 0 });
    try {
      const path = `${base}/api/images/${chartRef.ref}.png`;
      const running = fetch(path);
      const waiting = fetch(path);
      await expect
        .poll(
          async () => ((await (await fetch(`${base}/api/status`)).json()) as SearchBody).imageReads,
        )
        .toEqual({ running: 1, waiting: 1 });
      const refused = await fetch(path);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(((await refused.json()) as { error: string }).error).toMatch(
        /1 image reads running and 1 waiting/,
      );
      release();
      expect((await running).status).toBe(200);
      expect((await waiting).status).toBe(200);
    } finally {
      release();
      await bounded.close();
    }
  });
});

// The demo with a VLM reranker behind RERANKER_URL (RERANKER_IMAGES=true): the collection's
// stored page images reach it in NIM's documented request shape (a loopback stub), and the chart
// page it ranks first is a "page image" hit whose thumbnail the demo serves.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoopbackServer, sendJson, startLoopbackServer } from "@hybrid-rag/core/testing";
import { createChartPdf } from "@hybrid-rag/loaders/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import type { PageHit } from "./page-hit.ts";
import { type RunningDemo, startDemo } from "./start-demo.ts";

// NIM's VLM ranking request (docs.nvidia.com, NeMo Retriever Reranking NIM): each passage has
// text, image or both; images are base64 data URLs (as packages/reranker's tests check it).
const nimVlmRequest = z.strictObject({
  model: z.string().min(1),
  query: z.strictObject({ text: z.string().min(1) }),
  passages: z
    .array(
      z
        .strictObject({
          text: z.string().min(1).optional(),
          image: z
            .string()
            .regex(/^data:image\/(png|jpeg|webp|gif|bmp|tiff);base64,[A-Za-z0-9+/]+={0,2}$/)
            .optional(),
        })
        .refine((passage) => passage.text !== undefined || passage.image !== undefined),
    )
    .min(1)
    .max(512),
  truncate: z.enum(["NONE", "END"]),
});

const vlmName = "nvidia/llama-nemotron-rerank-vl-1b-v2";

let workDirectory: string;
let nim: LoopbackServer;
let demo: RunningDemo;

beforeAll(async () => {
  workDirectory = await mkdtemp(join(tmpdir(), "demo-remote-vlm-"));
  const corpus = join(workDirectory, "corpus");
  // An empty model folder: BM25 only (the page images come with the collection either way).
  const noModel = join(workDirectory, "no-model");
  await Promise.all([mkdir(corpus), mkdir(noModel)]);
  await writeFile(
    join(corpus, "fees.pdf"),
    await createChartPdf({
      title: "Berth fees",
      intro: "Berth fees by quarter are charted on the next page.",
      values: [120, 340, 220, 460],
    }),
  );
  // The stub scores a passage with an image above one without (it cannot read the chart).
  nim = await startLoopbackServer((request, response) => {
    const parsed = nimVlmRequest.safeParse(request.body);
    if (!parsed.success)
      return sendJson(response, 422, { object: "error", message: parsed.error.message });
    sendJson(response, 200, {
      rankings: parsed.data.passages
        .map((passage, index) => ({ index, logit: passage.image ? 1 : 0 }))
        .sort((a, b) => b.logit - a.logit),
    });
  });
  demo = await startDemo(
    demoConfigFromEnvironment(
      {
        DEMO_PORT: "0",
        DEMO_LOG_LEVEL: "silent",
        DEMO_PAGE_IMAGES: "no-text-layer",
        DEMO_CACHE_DIR: join(workDirectory, "cache"),
        EMBEDDING_MODEL_PATH: noModel,
        RERANKER_URL: nim.url,
        RERANKER_MODEL_NAME: vlmName,
        RERANKER_IMAGES: "true",
      },
      corpus,
    ),
    { io: { stdout: { write: () => true }, stderr: { write: () => true } } as never },
  );
}, 120_000);

afterAll(async () => {
  await demo?.close();
  await nim?.close();
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
});

async function search(query: string) {
  const response = await fetch(`${demo.url}/api/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, topK: 5, candidates: 10 }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    stages: Array<{ stage: string; status: string; description: string; hits: PageHit[] }>;
  };
}

describe("the demo with a NIM VLM reranker behind RERANKER_URL", () => {
  it("sends the collection's stored page image of a candidate's PDF and shows the page-image hit it ranks first", async () => {
    const { stages } = await search("berth fees by quarter");
    const reranked = stages.find((stage) => stage.stage === "reranked")!;
    expect(reranked.status).toBe("on");
    expect(reranked.description).toBe(
      `VLM reranker behind the NIM API at ${nim.url}: text chunks and page images`,
    );
    // BM25 finds the PDF's text; the pipeline adds its chart page (pageImages "add").
    expect(stages.find((stage) => stage.stage === "sparse")!.hits.map((hit) => hit.id)).toEqual([
      "fees.pdf#0",
    ]);
    expect(reranked.hits.map((hit) => [hit.id, hit.kind, hit.pages])).toEqual([
      ["fees.pdf#page=2#0", "page image", "p. 2"],
      ["fees.pdf#0", "text chunk", "p. 1"],
    ]);

    expect(nim.requests).toHaveLength(1);
    const body = nimVlmRequest.parse(nim.requests[0]!.body);
    expect(body.model).toBe(vlmName);
    expect(body.query).toEqual({ text: "berth fees by quarter" });
    expect(body.passages).toHaveLength(2);
    expect(body.passages[0]).toEqual({ text: expect.stringContaining("Berth fees by quarter") });
    // The image sent is the stored page image the demo serves as the hit's thumbnail.
    const [thumbnail] = reranked.hits[0]!.thumbnails;
    expect(thumbnail).toMatchObject({ relation: "hit", page: 2 });
    const served = await fetch(new URL(thumbnail!.url, demo.url));
    expect(served.headers.get("content-type")).toBe("image/png");
    const stored = Buffer.from(await served.arrayBuffer()).toString("base64");
    expect(body.passages[1]).toEqual({
      text: "Berth fees, page 2",
      image: `data:image/png;base64,${stored}`,
    });
  });
});

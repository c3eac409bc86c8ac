import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBm25Index } from "@hybrid-rag/bm25";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { createWorkerPoolReranker, type WorkerPoolReranker } from "@hybrid-rag/reranker";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleCorpusPath } from "./demo-config.ts";
import { DemoEngine } from "./demo-engine.ts";
import { createDemoServer } from "./demo-server.ts";
import { loadDocuments } from "./load-documents.ts";

// The demo's HTTP surface against hostile clients, on loopback: deep JSON, oversized and
// non-JSON bodies, stalled uploads. Assertions are on statuses and sizes, never on time.

let workDirectory: string;
let reranker: WorkerPoolReranker;
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  workDirectory = await mkdtemp(join(tmpdir(), "demo-limits-"));
  await createTinyBertModel(workDirectory, { kind: "cross-encoder", seed: 5 });
  reranker = await createWorkerPoolReranker({
    model: workDirectory,
    executionProvider: "cpu",
    intraOpThreads: 1,
  });
  const sparse = createBm25Index({ name: "sparse" });
  const engine = new DemoEngine({
    sparse,
    fusion: reciprocalRankFusion({ k: 60 }),
    reranker,
    indexes: [sparse],
    descriptions: { sparse: "BM25", dense: "off", fused: "RRF", reranked: "tiny cross-encoder" },
    analyzer: sparse.analyzer,
    off: { dense: { reason: "not in this test", howToEnable: "-" } },
  });
  const documents = await loadDocuments(sampleCorpusPath);
  await engine.ingest(documents);
  app = createDemoServer({
    engine,
    corpus: { source: "sample", documents: documents.length },
    logLevel: "silent",
    limits: { bodyTimeoutMs: 300 },
  });
  url = await app.listen({ host: "127.0.0.1", port: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await reranker?.workerPool.release();
  await rm(workDirectory, { recursive: true, force: true });
});

const post = (body: string, contentType = "application/json") =>
  fetch(`${url}/api/search`, { method: "POST", headers: { "content-type": contentType }, body });

async function stillServes() {
  const response = await post(JSON.stringify({ query: "electricity from the sun", topK: 3 }));
  expect(response.status).toBe(200);
  const body = (await response.json()) as { stages: Array<{ stage: string; status: string }> };
  // The reranker runs on its worker thread and answers like the in-process one.
  expect(body.stages.find((stage) => stage.stage === "reranked")?.status).toBe("on");
}

describe("demo HTTP limits", () => {
  it("answers a 10,000-deep body with a small 400 and keeps serving", async () => {
    const response = await post(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text.length).toBeLessThan(1024);
    expect(text).toMatch(/deeper than 16 levels/);
    await stillServes();
  });

  it("refuses bodies over the limit (413) and bodies that are not JSON (415)", async () => {
    const big = await post(JSON.stringify({ query: "x".repeat(100_000) }));
    expect(big.status).toBe(413);
    const plain = await post(JSON.stringify({ query: "sun" }), "text/plain");
    expect(plain.status).toBe(415);
    await stillServes();
  });

  it("closes a stalled upload within the body timeout", { timeout: 20_000 }, async () => {
    const { port } = new URL(url);
    const socket = connect(Number(port), "127.0.0.1");
    socket.on("error", () => {});
    await once(socket, "connect");
    socket.write(
      "POST /api/search HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\nContent-Length: 500\r\n\r\n{",
    );
    const answer: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => answer.push(chunk));
    await once(socket, "close");
    const [head = "", body = ""] = Buffer.concat(answer).toString().split("\r\n\r\n", 2);
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    // The demo's one error shape, whatever raised the error.
    expect(JSON.parse(body)).toMatchObject({ error: expect.any(String), code: "timeout" });
    await stillServes();
  });

  it("answers every error in one shape: {error: message, code}", async () => {
    const answers = [
      await post(`${"[".repeat(10_000)}${"]".repeat(10_000)}`),
      await post("{not json"),
      await post(JSON.stringify({ query: "x".repeat(100_000) })),
      await post(JSON.stringify({ query: "sun" }), "text/plain"),
      await post(JSON.stringify({ query: "sun", topK: 0 })),
      await fetch(`${url}/api/nothing-here`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 413, 415, 400, 404]);
    for (const answer of answers) {
      const body = (await answer.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(["code", "error"]);
      expect(typeof body.error).toBe("string");
      expect(typeof body.code).toBe("string");
    }
  });
});

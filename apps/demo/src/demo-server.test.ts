import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBm25Index } from "@hybrid-rag/bm25";
import { HybridRagError, type Retriever } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { createCrossEncoderReranker } from "@hybrid-rag/reranker";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleCorpusPath } from "./demo-config.ts";
import { type DemoComponents, DemoEngine } from "./demo-engine.ts";
import { createDemoServer } from "./demo-server.ts";
import { loadDocuments } from "./load-documents.ts";

/** The JSON the API answers, loosely: the assertions check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions below
type SearchBody = Record<string, any>;

const descriptions = {
  sparse: "BM25",
  dense: "hashing embedder",
  fused: "RRF",
  reranked: "tiny cross-encoder",
};

async function serve(components: DemoComponents): Promise<{ app: FastifyInstance; url: string }> {
  const engine = new DemoEngine(components);
  const documents = await loadDocuments(sampleCorpusPath);
  await engine.ingest(documents);
  const app = createDemoServer({
    engine,
    corpus: { source: "sample", documents: documents.length },
    logLevel: "silent",
  });
  return { app, url: await app.listen({ host: "127.0.0.1", port: 0 }) };
}

async function search(url: string, body: unknown) {
  const response = await fetch(`${url}/api/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as SearchBody };
}

describe("demo API with every stage on", () => {
  let workDirectory: string;
  let served: { app: FastifyInstance; url: string };

  beforeAll(async () => {
    workDirectory = await mkdtemp(join(tmpdir(), "demo-api-"));
    await createTinyBertModel(workDirectory, { kind: "cross-encoder", seed: 5 });
    const sparse = createBm25Index({ name: "sparse", analyzer: "english" });
    const dense = createVectorIndex({ embedder: new HashingEmbedder(64), name: "dense" });
    served = await serve({
      sparse,
      analyzer: sparse.analyzer,
      dense,
      fusion: reciprocalRankFusion({ k: 60 }),
      reranker: await createCrossEncoderReranker({
        model: workDirectory,
        executionProvider: "cpu",
      }),
      indexes: [sparse, dense],
      descriptions,
      off: {},
    });
  }, 30_000);

  afterAll(async () => {
    await served?.app.close();
    await rm(workDirectory, { recursive: true, force: true });
  });

  it("returns the sparse, dense, fused and reranked lists with provenance and timings", async () => {
    const { status, body } = await search(served.url, {
      query: "electricity from the sun",
      topK: 5,
    });
    expect(status).toBe(200);
    expect(body.stages.map((stage: { stage: string }) => stage.stage)).toEqual([
      "sparse",
      "dense",
      "fused",
      "reranked",
    ]);
    for (const stage of body.stages) {
      expect(stage.status).toBe("on");
      expect(stage.hits.length).toBeGreaterThan(0);
      expect(stage.hits.length).toBeLessThanOrEqual(5);
      expect(stage.durationMs).toBeGreaterThanOrEqual(0);
    }
    const [sparse, , fused, reranked] = body.stages;
    expect(sparse.hits[0].sources.sparse).toMatchObject({ status: "found", rank: 1 });
    expect(fused.hits[0].fusion.method).toBe("rrf");
    expect(Object.keys(fused.hits[0].sources).sort()).toEqual(["dense", "sparse"]);
    expect(reranked.hits[0].rerank).toMatchObject({ previousRank: expect.any(Number) });
    expect(reranked.hits[0].snippet.length).toBeLessThanOrEqual(240);
  });

  it("serves the page and answers a bad request with 400 naming the field", async () => {
    const page = await fetch(served.url);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/data-stage="reranked"/);
    const { status, body } = await search(served.url, { query: 42 });
    expect(status).toBe(400);
    expect(body.error).toMatch(/query/);
  });
});

describe("demo API with stages off or failing", () => {
  it("shows unconfigured stages as off with how to turn them on, and keeps going past a failure", async () => {
    const sparse = createBm25Index({ name: "sparse" });
    const failing: Retriever = {
      name: "dense",
      retrieve: async () => {
        throw new HybridRagError("unavailable", "Qdrant is down");
      },
    };
    const { app, url } = await serve({
      sparse,
      analyzer: sparse.analyzer,
      dense: failing,
      fusion: reciprocalRankFusion({ k: 60 }),
      indexes: [sparse],
      descriptions,
      off: { reranked: { reason: "no cross-encoder", howToEnable: "RERANKER_MODEL_PATH=…" } },
    });
    try {
      const status = (await (await fetch(`${url}/api/status`)).json()) as SearchBody;
      expect(status.stages[3]).toMatchObject({
        stage: "reranked",
        status: "off",
        off: { howToEnable: "RERANKER_MODEL_PATH=…" },
      });
      const { body } = await search(url, { query: "wind turbines" });
      const [sparseStage, denseStage, fusedStage, rerankedStage] = body.stages;
      expect(sparseStage.status).toBe("on");
      expect(denseStage).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/Qdrant is down/),
      });
      expect(fusedStage.status).toBe("on");
      expect(fusedStage.hits[0].sources.dense.status).toBe("failed");
      expect(rerankedStage.status).toBe("off");
    } finally {
      await app.close();
    }
  });
});

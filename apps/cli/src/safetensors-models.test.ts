import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSampleFolder } from "@hybrid-rag/collection/testing";
import { createSafetensorsModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// --embedding-model and --reranker-model pointing at directories as save_pretrained() leaves
// them (safetensors, no ONNX): the graphs are built on first use, then taken from the cache.

let workspace: string;
const previousCache = process.env.HYBRID_RAG_CACHE_DIR;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-safetensors-"));
  process.env.HYBRID_RAG_CACHE_DIR = join(workspace, "cache");
}, 60_000);

afterAll(async () => {
  if (previousCache === undefined) delete process.env.HYBRID_RAG_CACHE_DIR;
  else process.env.HYBRID_RAG_CACHE_DIR = previousCache;
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag CLI on safetensors directories", () => {
  it("ingests with a BERT embedder and searches with an XLM-R reranker", async () => {
    const embedder = join(workspace, "embedder");
    const reranker = join(workspace, "reranker");
    await createSafetensorsModel(embedder, { family: "bert", task: "embedder" });
    await createSafetensorsModel(reranker, { family: "xlm-roberta", task: "cross-encoder" });
    const folder = join(workspace, "docs");
    await mkdir(folder);
    await writeSampleFolder(folder);
    const collection = join(workspace, "collection");
    const ingest = captureIo();
    const ingested = await runCli(
      ["ingest", folder, "--into", collection, "--embedding-model", embedder, "--no-progress"],
      ingest,
    );
    expect(ingest.err()).toBe("");
    expect(ingested).toBe(0);
    const search = captureIo();
    const searched = await runCli(
      [
        "search",
        collection,
        "annual report",
        "--embedding-model",
        embedder,
        "--reranker-model",
        reranker,
        "--json",
      ],
      search,
    );
    expect(search.err()).toBe("");
    expect(searched).toBe(0);
    const result = JSON.parse(search.out()) as {
      hits: unknown[];
      timings: Record<string, unknown>;
    };
    expect(result.hits.length).toBeGreaterThan(0);
    // The reranker ran (its stage is timed), and its graph was built from the safetensors.
    expect(JSON.stringify(result.timings)).toMatch(/rerank/);
    const graphs = await readdir(join(workspace, "cache", "graphs"));
    expect(graphs.filter((name) => name !== "digests")).toHaveLength(2);
  }, 180_000);
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePipelineSpec } from "../pipeline-spec.ts";
import { buildComponents, buildPipeline } from "./build-components.ts";
import { prefixesForModel } from "./model-reference.ts";

let root: string;
let biEncoder: string;
let crossEncoder: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hybrid-rag-build-components-"));
  biEncoder = join(root, "bi-encoder");
  crossEncoder = join(root, "cross-encoder");
  await createTinyBertModel(biEncoder, {
    kind: "bi-encoder",
    layers: 1,
    hidden: 32,
    heads: 2,
    seed: 3,
  });
  await createTinyBertModel(crossEncoder, {
    kind: "cross-encoder",
    layers: 1,
    hidden: 32,
    heads: 2,
    seed: 11,
  });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const documents = [
  { id: "a", text: "scurvy is caused by a lack of vitamin C" },
  { id: "b", text: "the harbour was full of ships" },
  { id: "c", text: "citrus fruit prevents scurvy on long voyages" },
];

describe("buildComponents", () => {
  it("builds the embedded retrievers, the ONNX models and the fusion a spec names", async () => {
    const components = await buildComponents({
      version: 1,
      sparse: { engine: "bm25", analyzer: "english", k1: 0.9 },
      dense: { engine: "vector-index", metric: "dot" },
      embedder: { model: biEncoder, embedBatchSize: 2 },
      reranker: { model: crossEncoder },
      fusion: { method: "dbsf" },
    });
    try {
      expect(components.sparse?.engine).toBe("bm25");
      expect(components.dense?.engine).toBe("vector-index");
      expect(components.retrievers.map((retriever) => retriever.name)).toEqual(["bm25", "dense"]);
      expect(components.embedder?.kind).toBe("onnx");
      // Collections record this name: it must say which model the vectors came from.
      expect(components.embedder?.embedder.name).toBe(`onnx:${biEncoder}`);
      expect(components.embedder?.modelMaxTokens).toBeGreaterThan(0);
      expect(components.embedder?.tokenCounter?.count("vitamin c")).toBeGreaterThan(0);
      expect(components.reranker?.kind).toBe("cross-encoder");
      expect(components.fusion.name).toBe("dbsf");
    } finally {
      await components.release();
    }
  });

  it("builds a pipeline that runs every stage, with the spec's topK", async () => {
    const { pipeline, components } = await buildPipeline({
      version: 1,
      sparse: { engine: "bm25" },
      dense: { engine: "vector-index" },
      embedder: { model: biEncoder },
      reranker: { model: crossEncoder },
      topK: { retrieve: 3, final: 2 },
    });
    try {
      for (const retriever of components.retrievers) await retriever.upsert(documents);
      const { hits, timings } = await pipeline.run("what causes scurvy");
      expect(hits).toHaveLength(2);
      expect(Object.keys(hits[0]?.sources ?? {}).sort()).toEqual(["bm25", "dense"]);
      expect(hits[0]?.rerank).toBeDefined();
      expect(timings.rerank).toBeGreaterThanOrEqual(0);
    } finally {
      await components.release();
    }
  });

  it("builds the same components from the spec it printed (JSON round trip)", async () => {
    const spec = parsePipelineSpec({
      version: 1,
      sparse: { engine: "bm25", b: 0.5 },
      embedder: { model: biEncoder, prefixes: "e5" },
    });
    const again = parsePipelineSpec(JSON.parse(JSON.stringify(spec)));
    const [first, second] = await Promise.all([buildComponents(spec), buildComponents(again)]);
    try {
      expect(second.spec).toEqual(first.spec);
      const [one, two] = await Promise.all([
        first.embedder?.embedder.embedQueries(["vitamin"]),
        second.embedder?.embedder.embedQueries(["vitamin"]),
      ]);
      expect(one?.[0]?.length).toBeGreaterThan(0);
      expect(two).toEqual(one);
      expect(second.retrievers.map((each) => each.name)).toEqual(["bm25"]);
    } finally {
      await Promise.all([first.release(), second.release()]);
    }
  });

  it("refuses a dense retriever without an embedder, naming the field", async () => {
    await expectErrorCode(
      buildComponents({ version: 1, dense: { engine: "vector-index" } }),
      "invalid-argument",
    );
    await expect(
      buildComponents({ version: 1, dense: { engine: "vector-index" } }),
    ).rejects.toThrow(/embedder\.model/);
  });

  it("refuses use-lite as a reranker and a server engine without its URL", async () => {
    await expect(buildComponents({ version: 1, reranker: { model: "use-lite" } })).rejects.toThrow(
      /reranker\.model "use-lite" names no reranker/,
    );
    await expect(
      buildComponents({ version: 1, sparse: { engine: "elasticsearch" } }),
    ).rejects.toThrow(/sparse\.url is needed/);
  });

  it("names the spec field of an invalid spec", async () => {
    await expect(
      buildComponents({ version: 1, embedder: { model: biEncoder, prefixes: "gte" } }),
    ).rejects.toThrow(/embedder\.prefixes must be none, e5 or bge/);
  });

  it("builds an endpoint embedder and reranker without loading a model", async () => {
    const components = await buildComponents(
      {
        version: 1,
        embedder: {
          model: "http://127.0.0.1:9/v1",
          api: "openai",
          endpointModel: "m",
          dimension: 8,
        },
        reranker: { model: "http://127.0.0.1:9", api: "tei" },
      },
      { apiKeys: { embedder: "k", reranker: "k" } },
    );
    expect(components.embedder?.kind).toBe("endpoint");
    expect(components.embedder?.embedder.dimension).toBe(8);
    expect(components.embedder?.tokenCounter).toBeUndefined();
    expect(components.reranker?.kind).toBe("endpoint");
    await components.release();
  });
});

describe("prefixesForModel", () => {
  it("gives bge and e5 models their prefixes and others none", () => {
    expect(prefixesForModel("BAAI/bge-small-en-v1.5")).toBe("bge");
    expect(prefixesForModel("intfloat/e5-base-v2")).toBe("e5");
    expect(prefixesForModel("sentence-transformers/all-MiniLM-L6-v2")).toBe("none");
  });
});

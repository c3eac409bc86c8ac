import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { fusionMethods } from "@hybrid-rag/fusion";
import { describe, expect, it } from "vitest";
import { parsePipelineSpec } from "./pipeline-spec.ts";
import { readPipelineSpecFile } from "./read-spec-file.ts";
import { applySpecFlags, specFlag } from "./spec-flags.ts";

describe("specFlag", () => {
  it("takes description, choices and number parsing from the spec schema", () => {
    const analyzer = specFlag("sparse.analyzer");
    expect(analyzer.flag).toBe("--analyzer");
    expect(analyzer.description).toBe("BM25 analyzer (Elasticsearch's standard or english)");
    expect(analyzer.choices).toEqual(["standard", "english"]);
    const k1 = specFlag("sparse.k1");
    expect(k1.parse("0.9")).toBe(0.9);
    expect(() => k1.parse("high")).toThrow(/--k1 takes a number, got "high"/);
    expect(specFlag("embedder.api").choices).toEqual(["nim", "tei", "openai"]);
    expect(specFlag("executionProvider").choices).toContain("cuda");
    expect(specFlag("embedder.model").description).toMatch(/use-lite/);
    expect(specFlag("reranker.api").defaultValue).toBe("nim");
    expect(specFlag("embedder.endpointModel").defaultValue).toBeUndefined();
  });

  it("lists every registered fusion method, and the normalisers of linear fusion", () => {
    expect(specFlag("fusion.method").choices).toEqual(fusionMethods);
    for (const method of fusionMethods) {
      expect(specFlag("fusion.method").description).toContain(method);
    }
    expect(specFlag("fusion.normalizer").choices).toContain("z-score");
    expect(specFlag("fusion.weights").parse("dense=0.7,bm25=0.3")).toEqual({
      dense: 0.7,
      bm25: 0.3,
    });
  });

  it("lets an app rename a flag", () => {
    expect(specFlag("topK.retrieve", { flag: "--top-k" }).flag).toBe("--top-k");
  });
});

describe("applySpecFlags", () => {
  const base = parsePipelineSpec({
    version: 1,
    sparse: { engine: "bm25", k1: 0.9 },
    embedder: { model: "BAAI/bge-small-en-v1.5" },
    reranker: { model: "cross-encoder/ms-marco-MiniLM-L-6-v2" },
    fusion: { method: "rrf", k: 20 },
  });

  it("overrides only the fields given, keeping the rest of the spec", () => {
    const spec = parsePipelineSpec(
      applySpecFlags(base, { "sparse.b": 0.5, "embedder.model": "use-lite" }),
    );
    expect(spec.sparse).toEqual({ engine: "bm25", analyzer: "standard", k1: 0.9, b: 0.5 });
    expect(spec.embedder?.model).toBe("use-lite");
    expect(spec.reranker?.model).toBe("cross-encoder/ms-marco-MiniLM-L-6-v2");
    expect(spec.fusion).toEqual({ method: "rrf", k: 20 });
  });

  it("takes none as no model, and a new fusion method without the old one's options", () => {
    const spec = parsePipelineSpec(
      applySpecFlags(base, { "reranker.model": "none", "fusion.method": "linear" }),
    );
    expect(spec.reranker).toBeUndefined();
    expect(spec.fusion).toEqual({ method: "linear" });
    const tuned = parsePipelineSpec(
      applySpecFlags(base, { "fusion.method": "linear", "fusion.normalizer": "z-score" }),
    );
    expect(tuned.fusion).toEqual({ method: "linear", normalizer: "z-score" });
  });

  it("creates a section a flag names", () => {
    const spec = parsePipelineSpec(applySpecFlags({ version: 1 }, { "chunking.maxTokens": 128 }));
    expect(spec.chunking).toEqual({ maxTokens: 128 });
  });
});

describe("readPipelineSpecFile", () => {
  it("reads a spec, or the spec of a results.json, and names a wrong field", async () => {
    const folder = await mkdtemp(join(tmpdir(), "hybrid-rag-spec-file-"));
    try {
      const file = join(folder, "spec.json");
      await writeFile(file, JSON.stringify({ version: 1, sparse: { engine: "bm25" } }));
      expect((await readPipelineSpecFile(file)).sparse?.engine).toBe("bm25");
      const results = join(folder, "results.json");
      await writeFile(results, JSON.stringify({ spec: { version: 1, topK: { final: 5 } } }));
      expect((await readPipelineSpecFile(results)).topK?.final).toBe(5);
      const wrong = join(folder, "wrong.json");
      await writeFile(wrong, JSON.stringify({ version: 1, embedder: { model: "m", api: "grpc" } }));
      await expectErrorCode(readPipelineSpecFile(wrong), "invalid-argument");
      await expect(readPipelineSpecFile(wrong)).rejects.toThrow(
        /--spec .*wrong\.json.*embedder\.api must be nim, tei, openai/,
      );
      await expect(readPipelineSpecFile(join(folder, "absent.json"))).rejects.toThrow(
        /absent\.json: not a readable JSON file/,
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { fusionMethods } from "@hybrid-rag/fusion";
import { describe, expect, it } from "vitest";
import { parsePipelineSpec, pipelineSpecJsonSchema } from "./pipeline-spec.ts";

describe("pipeline spec", () => {
  it("fills defaults and keeps what it was given", () => {
    const spec = parsePipelineSpec({
      version: 1,
      sparse: { engine: "bm25", k1: 0.9 },
      dense: { engine: "qdrant", url: "http://localhost:6333" },
      embedder: { model: "BAAI/bge-small-en-v1.5" },
      fusion: { method: "linear", normalizer: "z-score", weights: { dense: 0.7 } },
      topK: { retrieve: 50, final: 10 },
    });
    expect(spec.sparse).toEqual({ engine: "bm25", analyzer: "standard", k1: 0.9, b: 0.75 });
    expect(spec.dense).toEqual({
      engine: "qdrant",
      url: "http://localhost:6333",
      metric: "cosine",
    });
    expect(spec.embedder).toEqual({
      model: "BAAI/bge-small-en-v1.5",
      api: "nim",
      embedBatchSize: 64,
    });
    expect(spec.fusion).toEqual({
      method: "linear",
      normalizer: "z-score",
      weights: { dense: 0.7 },
    });
    expect(spec.executionProvider).toBe("auto");
    expect(parsePipelineSpec({ version: 1 }).fusion).toEqual({ method: "rrf", k: 60 });
  });

  it("is unchanged by a round trip through JSON", () => {
    const spec = parsePipelineSpec({
      version: 1,
      sparse: { engine: "bm25" },
      reranker: { model: "m" },
    });
    expect(parsePipelineSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it("refuses a wrong field with its path, value and what it takes", () => {
    expect(() => parsePipelineSpec({ version: 2 })).toThrow(/version must be 1/);
    expect(() => parsePipelineSpec({ version: 1, sparse: { engine: "solr" } })).toThrow(
      /sparse.engine must be "bm25" \(embedded\) or "elasticsearch"/,
    );
    expect(() => parsePipelineSpec({ version: 1, sparse: { engine: "bm25", k2: 1 } })).toThrow(
      /k2/,
    );
    // The fusion method's own options schema checks the rest (through createFusion).
    expect(() => parsePipelineSpec({ version: 1, fusion: { method: "rrf", k: -1 } })).toThrow(
      /fusion/,
    );
    expect(() => parsePipelineSpec({ version: 1, fusion: { method: "borda" } })).toThrow(
      /fusion.method must be one of "rrf"/,
    );
  });

  it("throws invalid-argument", async () => {
    await expectErrorCode(
      (async () => parsePipelineSpec({ version: 1, topK: { final: 0 } }))(),
      "invalid-argument",
    );
  });

  it("publishes a JSON Schema that lists every registered fusion method", () => {
    const schema = pipelineSpecJsonSchema() as {
      properties: { fusion: { properties: { method: { enum: string[] } } } };
    };
    expect(schema.properties.fusion.properties.method.enum).toEqual(fusionMethods);
  });

  it("has its JSON Schema file up to date (pnpm --filter @hybrid-rag/pipeline schema:update)", () => {
    const file = join(import.meta.dirname, "..", "pipeline-spec.schema.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(pipelineSpecJsonSchema());
  });
});

import {
  contractCorpus,
  InMemoryKeywordRetriever,
  WordOverlapReranker,
} from "@hybrid-rag/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { HashingDenseRetriever } from "./components.test.helper.ts";
import { createPipelineFromDefinition } from "./pipeline-definition.ts";

const bm25 = new InMemoryKeywordRetriever("bm25");
const registry = {
  retrievers: { bm25, dense: new HashingDenseRetriever("dense") },
  rerankers: { "word-overlap": new WordOverlapReranker() },
};

beforeAll(async () => {
  await bm25.upsert(contractCorpus);
});

describe("pipeline definitions as JSON", () => {
  it("builds and runs a hybrid pipeline from plain JSON", async () => {
    const definition = JSON.parse(`{
      "retrievers": ["bm25", "dense"],
      "fusion": { "method": "rrf", "k": 60, "weights": { "dense": 2 } },
      "reranker": "word-overlap",
      "topK": { "retrieve": 50, "fuse": 20, "rerank": 20, "final": 3 },
      "timeouts": { "retrieve": 2000, "rerank": 5000 },
      "onSourceFailure": { "dense": "continue" },
      "onRerankFailure": "fallback"
    }`);
    const pipeline = createPipelineFromDefinition(definition, registry);
    const { hits } = await pipeline.run("solar electricity");
    expect(hits.length).toBeLessThanOrEqual(3);
    expect(hits[0]!.id).toBe("solar");
    expect(hits[0]!.rerank?.reranker).toBe("word-overlap");
    expect(hits[0]!.fusion?.method).toBe("rrf");
  });

  it("names the known components when a name is unknown", () => {
    expect(() =>
      createPipelineFromDefinition({ retrievers: ["bm25", "splade"] }, registry),
    ).toThrow(
      'Unknown retriever "splade" in the pipeline definition; the registry has "bm25", "dense".',
    );
    expect(() =>
      createPipelineFromDefinition({ retrievers: ["bm25"], reranker: "cohere" }, registry),
    ).toThrow(
      'Unknown reranker "cohere" in the pipeline definition; the registry has "word-overlap".',
    );
    expect(() =>
      createPipelineFromDefinition(
        { retrievers: ["bm25"], reranker: "x" },
        { retrievers: { bm25 } },
      ),
    ).toThrow(/the registry has no rerankers/);
  });

  it("validates the definition with zod", () => {
    expect(() => createPipelineFromDefinition({ retrievers: "bm25" }, registry)).toThrow(
      /retrievers: retrievers must be an array of names/,
    );
    expect(() =>
      createPipelineFromDefinition({ retrievers: ["bm25"], fusion: { method: "borda" } }, registry),
    ).toThrow(/Unknown fusion method "borda"/);
    expect(() =>
      createPipelineFromDefinition({ retrievers: ["bm25"], topK: { final: "10" } }, registry),
    ).toThrow(/topK.final: topK.final must be a number/);
    expect(() =>
      createPipelineFromDefinition({ retrievers: ["bm25"], rerank: "x" }, registry),
    ).toThrow(/rerank/);
  });
});

import { parseWeights, prefixesForModel } from "@hybrid-rag/pipeline";
import { describe, expect, it } from "vitest";
import { defaultPipelines, parsePipelines } from "./pipelines.ts";

describe("--pipelines", () => {
  it("parses the seed's five configurations with the seed's labels", () => {
    expect(parsePipelines(defaultPipelines).map((spec) => spec.label)).toEqual([
      "Dense",
      "Dense + Reranking",
      "Dense + Sparse",
      "Dense + Sparse + Reranking",
      "Sparse",
    ]);
  });

  it("normalises the order of parts and refuses repeats, unknown parts and rerank alone", () => {
    expect(parsePipelines("sparse+dense")[0]).toMatchObject({
      name: "dense+sparse",
      dense: true,
      sparse: true,
      rerank: false,
    });
    expect(() => parsePipelines("dense,dense")).toThrow(/twice/);
    expect(() => parsePipelines("dense+sparse,sparse+dense")).toThrow(/twice/);
    expect(() => parsePipelines("rerank")).toThrow(/Unknown pipeline "rerank"/);
    expect(() => parsePipelines("dense+colbert")).toThrow(/Unknown pipeline/);
    expect(() => parsePipelines(" , ")).toThrow(/empty/);
  });

  it("reads images (page images reranked too) only beside rerank, as its own row", () => {
    const [text, images] = parsePipelines("sparse+rerank,images+rerank+sparse");
    expect(text).toMatchObject({ name: "sparse+rerank", images: false });
    expect(images).toMatchObject({
      name: "sparse+rerank+images",
      label: "Sparse + Reranking (page images)",
      rerank: true,
      images: true,
    });
    expect(() => parsePipelines("dense+images")).toThrow(
      /needs rerank \(e\.g\. dense\+rerank\+images\)/,
    );
    expect(() => parsePipelines("sparse+rerank+images,images+sparse+rerank")).toThrow(/twice/);
  });
});

describe("--fusion-weights and prefixes", () => {
  it("reads name=weight pairs and refuses anything else", () => {
    expect(parseWeights("dense=0.7, bm25=0.3")).toEqual({ dense: 0.7, bm25: 0.3 });
    expect(() => parseWeights("dense")).toThrow(/name=weight/);
    expect(() => parseWeights("dense=-1")).toThrow(/≥ 0/);
  });

  it("picks the prefixes bge and e5 models were trained with", () => {
    expect(prefixesForModel("BAAI/bge-small-en-v1.5")).toBe("bge");
    expect(prefixesForModel("intfloat/e5-base-v2")).toBe("e5");
    expect(prefixesForModel("sentence-transformers/all-MiniLM-L6-v2")).toBe("none");
  });
});

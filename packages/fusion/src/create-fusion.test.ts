import { rankedList } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import {
  createFusion,
  fusionConfigSchema,
  fusionMethodRegistry,
  fusionMethods,
} from "./create-fusion.ts";

const lists = [
  rankedList("sparse", [
    ["a", 2],
    ["b", 1],
  ]),
  rankedList("dense", [
    ["b", 0.9],
    ["c", 0.1],
  ]),
];

describe("createFusion (plain JSON)", () => {
  it("builds every method", () => {
    const configs = [
      { method: "rrf" },
      { method: "rrf", flavour: "qdrant", k: 2, weights: { dense: 2 } },
      { method: "rrf", flavour: "elasticsearch", k: 60, rankWindow: 10 },
      { method: "linear", normalizer: "z-score", weights: { sparse: 0.4, dense: 0.6 } },
      { method: "linear", normalizer: "min-max", flavour: "elasticsearch" },
      { method: "dbsf", arithmetic: "float32" },
      { method: "max", normalizer: "rank", minSources: 1 },
      { method: "concatenate", sourceOrder: ["dense"] },
    ];
    for (const config of configs) {
      const fusion = createFusion(JSON.parse(JSON.stringify(config)));
      expect(
        fusion
          .fuse(lists)
          .map((hit) => hit.id)
          .sort(),
        fusion.name,
      ).toEqual(["a", "b", "c"]);
    }
    expect(createFusion({ method: "rrf", flavour: "qdrant" }).name).toBe("rrf:qdrant");
  });

  it("names the known methods when the method is unknown", () => {
    expect(() => createFusion({ method: "borda" })).toThrow(
      'Unknown fusion method "borda"; known methods: "rrf", "linear", "dbsf", "max", "concatenate".',
    );
    expect(() => createFusion({})).toThrow(/Unknown fusion method undefined/);
    expect(() => createFusion(null)).toThrow(/must be an object/);
  });

  it("rejects misspelt and invalid options", () => {
    expect(() => createFusion({ method: "rrf", K: 60 })).toThrow(/K/);
    expect(() => createFusion({ method: "linear", normalizer: "softmax" })).toThrow(
      /normalizer must be one of/,
    );
    expect(() => createFusion({ method: "dbsf", weights: { dense: -1 } })).toThrow(
      /weights.dense: a weight must be ≥ 0/,
    );
  });
});

describe("fusion method registry", () => {
  it("lists every method createFusion builds, each with a description", () => {
    expect(fusionMethods).toEqual(Object.keys(fusionMethodRegistry));
    for (const method of fusionMethods) {
      expect(createFusion({ method }).name.length).toBeGreaterThan(0);
      expect(fusionMethodRegistry[method].description.length).toBeGreaterThan(10);
    }
  });

  it("validates a fusion config inside a larger document with the method's own schema", () => {
    expect(fusionConfigSchema.safeParse({ method: "rrf", k: 10 }).success).toBe(true);
    const wrong = fusionConfigSchema.safeParse({ method: "rrf", kk: 10 });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.message).toMatch(/kk/);
  });
});

import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { toQdrantFilter } from "./qdrant-filter.ts";
import { createQdrantIndex } from "./qdrant-index.ts";
import { QdrantOpenApiValidator } from "./testing/qdrant-openapi.ts";

// The adapter's requests against Qdrant's published OpenAPI document (v1.19.x), strict.
const validator = new QdrantOpenApiValidator();
const queryPath = "/collections/docs/points/query";

function queryWith(filter: unknown) {
  return { query: [0.1, 0.2], limit: 5, with_payload: true, filter };
}

describe("Qdrant requests against the published OpenAPI document", () => {
  it("accepts every filter form the adapter produces, date ranges included", () => {
    const filter = toQdrantFilter({
      lang: "en",
      draft: false,
      year: 2024,
      tags: ["energy", "games", "energy"],
      ids: [1, 2, 2],
      score: 0.5,
      size: { gte: 10, lt: 20 },
      published: { gte: "2024-01-01", lt: "2024-06-30T12:00:00+02:00" },
      missing: null,
      mixed: ["a", 1],
      none: [],
    });
    expect(validator.problems("POST", queryPath, queryWith(filter))).toEqual([]);
    expect(validator.problems("POST", "/collections/docs/points/count", { filter })).toEqual([]);
  });

  it("rejects the datetime_range form the adapter used to send", () => {
    const problems = validator.problems(
      "POST",
      queryPath,
      queryWith({
        must: [{ key: "metadata.published", datetime_range: { gte: "2024-01-01T00:00:00Z" } }],
      }),
    );
    expect(problems.join("\n")).toMatch(/additional properties "datetime_range"/);
  });

  it("rejects duplicate match.any values, non-RFC 3339 date bounds and deprecated options", () => {
    const duplicate = validator.problems(
      "POST",
      queryPath,
      queryWith({ must: [{ key: "metadata.tags", match: { any: ["a", "a"] } }] }),
    );
    expect(duplicate).not.toEqual([]);
    const notRfc3339 = validator.problems(
      "POST",
      queryPath,
      queryWith({ must: [{ key: "metadata.at", range: { gte: "2024-01-01" } }] }),
    );
    expect(notRfc3339).not.toEqual([]);
    const deprecated = validator.problems("PUT", "/collections/docs", {
      vectors: { size: 3, distance: "Cosine" },
      hnsw_config: { on_disk: true },
      quantization_config: { scalar: { type: "int8", always_ram: true } },
    });
    expect(deprecated.join("\n")).toMatch(/"on_disk"|"always_ram"/);
    const current = validator.problems("PUT", "/collections/docs", {
      vectors: { size: 3, distance: "Cosine" },
      hnsw_config: { memory: "cold" },
      quantization_config: { scalar: { type: "int8", memory: "pinned" } },
    });
    expect(current).toEqual([]);
  });

  it("refuses unknown routes and bodies on routes that take none", () => {
    expect(validator.problems("POST", "/collections/docs/points/nearest", {})).not.toEqual([]);
    expect(validator.problems("GET", "/collections/docs/exists", undefined)).toEqual([]);
  });

  it("refuses the deprecated option names when the adapter is configured, naming the replacement", () => {
    const create = (options: object) => () =>
      createQdrantIndex({
        url: "http://127.0.0.1:6333",
        collection: "docs",
        embedder: new HashingEmbedder(8),
        ...options,
      });
    expect(create({ hnsw: { on_disk: true } })).toThrow(/hnsw\.memory/);
    expect(create({ quantization: { scalar: { type: "int8", always_ram: true } } })).toThrow(
      /memory \("pinned"/,
    );
    expect(create({ hnsw: { memory: "cold" } })).not.toThrow();
  });
});

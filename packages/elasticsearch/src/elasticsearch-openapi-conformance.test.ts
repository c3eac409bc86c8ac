import { Client } from "@elastic/elasticsearch";
import { contractCorpus, HashingEmbedder } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { createElasticsearchHybridRetriever } from "./elasticsearch-hybrid-retriever.ts";
import { ElasticsearchOpenApiValidator } from "./testing/elasticsearch-openapi.ts";
import { fakeElasticsearchIndex } from "./testing/fake-client.ts";
import { FakeElasticsearch } from "./testing/fake-elasticsearch.ts";

// The adapter's requests against Elasticsearch's published API (../shared/specs), strict, and
// the validator's own strictness: what Elasticsearch refuses, it refuses; the forms the
// OpenAPI rendering loses (shortcuts, boolean `dynamic`, container properties), it accepts.
const validator = new ElasticsearchOpenApiValidator();
const search = (body: unknown, querystring: Record<string, unknown> = {}) =>
  validator.problems("POST", "/docs/_search", querystring, body);
const create = (body: unknown) => validator.problems("PUT", "/docs", {}, body);

describe("the adapter's requests conform to Elasticsearch's published API", () => {
  it("index creation (every index type), bulk, searches with every filter form, hybrid retrievers", {
    timeout: 60_000,
  }, async () => {
    const settings = [
      { type: "hnsw", m: 16, ef_construction: 100 },
      { type: "int8_hnsw", confidence_interval: 0.95 },
      { type: "int4_hnsw", confidence_interval: 0 },
      { type: "bbq_hnsw" },
      { type: "flat" },
      { type: "int8_flat" },
      { type: "int4_flat" },
      { type: "bbq_flat" },
    ] as const;
    for (const indexOptions of settings) {
      const { fake, store } = fakeElasticsearchIndex({
        analyzer: "english",
        dense: { embedder: new HashingEmbedder(64), indexOptions },
      });
      await store.upsert(contractCorpus);
      await store.delete([contractCorpus[0]!.id]);
      await store.count();
      await store.retrieve("solar power", {
        topK: 5,
        filter: { lang: "en", year: { gte: 2000, lt: 2030 }, tags: ["energy", "games"] },
      });
      await store.retrieve("solar", {
        topK: 3,
        filter: { missing: null },
        includeDocuments: false,
      });
      for (const fusion of [
        { method: "rrf" as const, k: 61 },
        { method: "linear" as const, weights: { bm25: 1, dense: 2 } },
      ]) {
        await createElasticsearchHybridRetriever(store, { fusion, rankWindow: 20 }).retrieve(
          "solar",
          { topK: 5, filter: { lang: "en" } },
        );
      }
      await store.drop();
      expect(fake.violations, JSON.stringify(indexOptions)).toEqual([]);
      expect(fake.requests.length).toBeGreaterThan(6);
    }
  });
});

describe("strict like Elasticsearch", () => {
  it("refuses a misspelt or invented key anywhere in a search, and a wrong type", () => {
    expect(search({ query: { match: { content: { query: "q", operatr: "or" } } } }).join()).toMatch(
      /unevaluated properties "operatr"/,
    );
    expect(search({ query: { bool: { must: [], filtr: [] } } }).join()).toMatch(/"filtr"/);
    expect(search({ query: { match_all: {} }, sise: 10 }).join()).toMatch(/"sise"/);
    expect(search({ query: { match_all: {} }, size: "ten" })).not.toEqual([]);
    expect(search({ query: { no_such_query: {} } })).not.toEqual([]);
  });

  it("refuses an unknown URL parameter, an unknown route and a body where none is taken", () => {
    expect(search({ query: { match_all: {} } }, { refresh_interval: "1s" }).join()).toMatch(
      /unrecognized URL parameter "refresh_interval"/,
    );
    expect(search({}, { typed_keys: "true", filter_path: "hits" })).toEqual([]);
    expect(validator.problems("POST", "/docs/_nonsense/x/y", {}, undefined).join()).toMatch(
      /not an operation/,
    );
    expect(validator.problems("DELETE", "/docs", {}, { a: 1 }).join()).toMatch(/takes no body/);
  });

  it("checks _bulk line by line: actions strictly, a document after index/create", () => {
    const bulk = (lines: unknown[]) => validator.problems("POST", "/docs/_bulk", {}, lines);
    expect(bulk([{ index: { _id: "1" } }, { any: "document" }, { delete: { _id: "2" } }])).toEqual(
      [],
    );
    expect(bulk([{ indx: { _id: "1" } }, {}]).join()).toMatch(/line 1.*"indx"/);
    expect(bulk([{ index: { _id: "1", routng: "x" } }, {}]).join()).toMatch(/"routng"/);
    expect(bulk([{ index: { _id: "1" } }]).join()).toMatch(
      /line 2: the index action needs a document/,
    );
  });

  it("accepts the forms the OpenAPI rendering loses: shortcuts, boolean dynamic, container properties", () => {
    expect(search({ query: { term: { "metadata.lang": "en" } }, _source: ["id", "text"] })).toEqual(
      [],
    );
    expect(search({ query: { match: { content: "solar power" } } })).toEqual([]);
    expect(
      create({ mappings: { dynamic: false, properties: { a: { type: "keyword" } } } }),
    ).toEqual([]);
    const template = (body: Record<string, unknown>) =>
      create({ mappings: { dynamic_templates: [{ strings: body }] } });
    expect(
      template({
        match_mapping_type: "string",
        path_match: "metadata.*",
        mapping: { type: "keyword" },
      }),
    ).toEqual([]);
    // One variant exactly: mapping or runtime, not both, not none.
    expect(
      template({ path_match: "a.*", mapping: { type: "keyword" }, runtime: { type: "keyword" } }),
    ).not.toEqual([]);
    expect(template({ path_match: "a.*" })).not.toEqual([]);
  });

  it("refuses the dense_vector settings DenseVectorFieldMapper rejects, which the types allow", () => {
    const vector = (dims: number, index_options: Record<string, unknown>) =>
      create({
        mappings: { properties: { vector: { type: "dense_vector", dims, index_options } } },
      });
    expect(vector(15, { type: "int4_hnsw" }).join()).toMatch(/even dimensions; provided=15/);
    expect(vector(32, { type: "bbq_flat" }).join()).toMatch(/fewer than 64; provided=32/);
    expect(vector(16, { type: "int8_hnsw", confidence_interval: 0.5 }).join()).toMatch(
      /between 0.90 and 1.0 or exactly 0/,
    );
    for (const type of ["flat", "hnsw", "bbq_hnsw"]) {
      expect(vector(64, { type, confidence_interval: 0.95 }).join()).toMatch(
        /unsupported parameters: \[confidence_interval\]/,
      );
    }
    expect(vector(16, { type: "flat", m: 16 }).join()).toMatch(/unsupported parameters: \[m\]/);
    expect(vector(16, { type: "hnsw", ef_search: 10 })).not.toEqual([]);
    expect(vector(16, { type: "int4_hnsw", confidence_interval: 0.9, m: 16 })).toEqual([]);
  });

  it("answers a request that breaks the API with a 400 and records it", async () => {
    const fake = new FakeElasticsearch();
    const client = new Client({ node: "http://localhost:9200", Connection: fake.connection() });
    await client.indices.create({ index: "docs" });
    await expect(
      client.search({
        index: "docs",
        query: { match: { content: { query: "q", operatr: "or" } } } as never,
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    expect(fake.violations.join()).toMatch(/"operatr"/);
  });
});

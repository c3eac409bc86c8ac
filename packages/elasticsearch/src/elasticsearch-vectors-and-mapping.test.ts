import { type Embedder, type ErrorCode, HybridRagError } from "@hybrid-rag/core";
import { HashingEmbedder, tinyPng } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { createElasticsearchHybridRetriever } from "./elasticsearch-hybrid-retriever.ts";
import {
  type denseIndexOptionsSchema,
  elasticsearchIndexOptionsSchema,
} from "./elasticsearch-options.ts";
import { indexDefinition } from "./index-definition.ts";
import { fakeElasticsearchIndex } from "./testing/fake-client.ts";

/** Runs `action`; it must throw (or reject with) a HybridRagError of `code` whose message matches. */
async function expectFailure(action: () => unknown, code: ErrorCode, message: RegExp) {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(
    HybridRagError.isInstance(caught),
    `expected a HybridRagError, got ${String(caught)}`,
  ).toBe(true);
  expect((caught as HybridRagError).code).toBe(code);
  expect((caught as HybridRagError).message).toMatch(message);
}

/** HashingEmbedder's vectors times `scale` (so not unit length unless scale is 1). */
function scaledEmbedder(scale: number, dimension = 16): Embedder {
  const inner = new HashingEmbedder(dimension);
  const scaled = (vectors: Float32Array[]) =>
    vectors.map((vector) => vector.map((value) => value * scale));
  return {
    name: `hashing×${scale}`,
    dimension,
    embedQueries: async (texts, options) => scaled(await inner.embedQueries(texts, options)),
    embedPassages: async (texts, options) => scaled(await inner.embedPassages(texts, options)),
  };
}

/**
 * The mapping Elasticsearch's dynamic templates give a JSON value at `path`: the first
 * template whose path_match and match_mapping_type fit, as Elasticsearch picks it.
 */
function dynamicMappingFor(
  definition: ReturnType<typeof indexDefinition>,
  path: string,
  jsonType: string,
) {
  for (const entry of definition.mappings.dynamic_templates) {
    const template = Object.values(entry)[0] as {
      path_match: string;
      match_mapping_type: string;
      mapping: { type: string };
    };
    const pattern = new RegExp(
      `^${template.path_match.replaceAll(".", "\\.").replaceAll("*", ".*")}$`,
    );
    if (pattern.test(path) && template.match_mapping_type === jsonType)
      return template.mapping.type;
  }
  return undefined;
}

const documents = [
  { id: "a", text: "solar panels", metadata: { year: 2024, lang: "en", draft: false, ratio: 0.1 } },
  { id: "b", text: "wind turbines", metadata: { year: 2020, lang: "de", draft: true, ratio: 0.7 } },
];

describe("Elasticsearch index definition", () => {
  it("maps floating-point and integer metadata as double (dynamic mapping would pick float and long)", () => {
    const definition = indexDefinition(
      elasticsearchIndexOptionsSchema.parse({ index: "docs", node: "http://127.0.0.1:9200" }),
    );
    expect(dynamicMappingFor(definition, "metadata.ratio", "double")).toBe("double");
    expect(dynamicMappingFor(definition, "metadata.source.score", "double")).toBe("double");
    expect(dynamicMappingFor(definition, "metadata.year", "long")).toBe("double");
    expect(dynamicMappingFor(definition, "metadata.lang", "string")).toBe("keyword");
  });

  it("states the kNN index type: explicit hnsw by default, configurable", () => {
    const embedder = new HashingEmbedder(16);
    const parse = (dense: object) =>
      indexDefinition(
        elasticsearchIndexOptionsSchema.parse({
          index: "docs",
          node: "http://127.0.0.1:9200",
          dense,
        }),
      ).mappings.properties.vector;
    expect(parse({ embedder })).toMatchObject({
      type: "dense_vector",
      dims: 16,
      similarity: "cosine",
      index_options: { type: "hnsw" },
    });
    expect(
      parse({ embedder, indexOptions: { type: "int8_hnsw", m: 32, ef_construction: 200 } }),
    ).toMatchObject({ index_options: { type: "int8_hnsw", m: 32, ef_construction: 200 } });
    expect(parse({ embedder, indexOptions: { type: "flat" } })).toMatchObject({
      index_options: { type: "flat" },
    });
    expect(() => parse({ embedder, indexOptions: { type: "flat", m: 16 } })).toThrow(/hnsw/);
  });

  it("refuses a requestTimeoutMs a timer cannot hold, naming the limit", async () => {
    for (const requestTimeoutMs of [2 ** 31, 1e12, 0, Number.POSITIVE_INFINITY]) {
      await expectFailure(
        () => fakeElasticsearchIndex({ requestTimeoutMs }),
        "invalid-argument",
        /requestTimeoutMs must be (at most 2147483647 ms|more than 0 ms|a number)/,
      );
    }
  });

  it("refuses more than 4096 dimensions when the index is configured", async () => {
    await expectFailure(
      () => fakeElasticsearchIndex({ dense: { embedder: new HashingEmbedder(4097) } }),
      "invalid-argument",
      /4097.*4096/,
    );
  });
});

describe("dense_vector settings Elasticsearch rejects, refused before anything is sent", () => {
  // The six settings the adapter used to send, each refused by DenseVectorFieldMapper.
  const refused: Array<{
    dims: number;
    indexOptions: z.input<typeof denseIndexOptionsSchema>;
    message: RegExp;
  }> = [
    {
      dims: 15,
      indexOptions: { type: "int4_hnsw" },
      message: /int4_hnsw.*even number of dimensions.*15/,
    },
    {
      dims: 15,
      indexOptions: { type: "int4_flat" },
      message: /int4_flat.*even number of dimensions.*15/,
    },
    {
      dims: 32,
      indexOptions: { type: "bbq_hnsw" },
      message: /bbq_hnsw.*at least 64 dimensions.*32/,
    },
    {
      dims: 63,
      indexOptions: { type: "bbq_flat" },
      message: /bbq_flat.*at least 64 dimensions.*63/,
    },
    {
      dims: 16,
      indexOptions: { type: "int8_hnsw", confidence_interval: 0.5 },
      message: /confidence_interval is 0.5.*0 \(it chooses\) or a value from 0.9 to 1/,
    },
    {
      dims: 16,
      indexOptions: { type: "int4_flat", confidence_interval: 1.5 },
      message: /confidence_interval is 1.5/,
    },
    ...(["flat", "hnsw", "bbq_hnsw", "bbq_flat"] as const).map((type) => ({
      dims: 64,
      indexOptions: { type, confidence_interval: 0.95 },
      message: new RegExp(
        `confidence_interval applies to the int8_\\* and int4_\\* types only.*"${type}"`,
      ),
    })),
  ];

  it.each(refused)(
    "refuses $indexOptions with $dims dimensions",
    async ({ dims, indexOptions, message }) => {
      await expectFailure(
        () =>
          fakeElasticsearchIndex({ dense: { embedder: new HashingEmbedder(dims), indexOptions } }),
        "invalid-argument",
        message,
      );
    },
  );

  it("accepts the settings Elasticsearch accepts, at their edges", () => {
    const accepted = [
      { dims: 16, indexOptions: { type: "int4_hnsw", confidence_interval: 0 } },
      { dims: 16, indexOptions: { type: "int4_flat", confidence_interval: 0.9 } },
      { dims: 64, indexOptions: { type: "bbq_hnsw" } },
      { dims: 64, indexOptions: { type: "bbq_flat" } },
      { dims: 15, indexOptions: { type: "int8_hnsw", confidence_interval: 1 } },
      { dims: 15, indexOptions: { type: "hnsw", m: 16 } },
    ] as const;
    for (const { dims, indexOptions } of accepted) {
      const { fake, store } = fakeElasticsearchIndex({
        dense: { embedder: new HashingEmbedder(dims), indexOptions },
      });
      expect(store).toBeDefined();
      expect(fake).toBeDefined();
    }
  });
});

describe("dense vectors checked before they are sent", () => {
  it("dot_product: a non-unit vector fails its document before any request, saying what to do", async () => {
    const { fake, store } = fakeElasticsearchIndex({
      dense: { embedder: scaledEmbedder(3), similarity: "dot_product" },
    });
    const report = await store.upsert(documents);
    expect(report.succeeded).toBe(0);
    expect(report.failed).toHaveLength(2);
    expect((report.failed[0]!.error as HybridRagError).code).toBe("invalid-argument");
    expect(report.failed[0]!.error.message).toMatch(/unit-length.*normalize: true/);
    expect(fake.requests).toEqual([]);
  });

  it("dot_product with normalize: true sends unit vectors", async () => {
    const { fake, store } = fakeElasticsearchIndex({
      dense: { embedder: scaledEmbedder(3), similarity: "dot_product", normalize: true },
    });
    const report = await store.upsert(documents);
    expect(report).toEqual({ succeeded: 2, failed: [] });
    const bulk = fake.requests.find((request) => request.path.endsWith("/_bulk"))!;
    const sources = (bulk.body as Array<{ vector?: number[] }>).filter((line) => line.vector);
    expect(sources).toHaveLength(2);
    for (const { vector } of sources) {
      expect(Math.hypot(...vector!)).toBeCloseTo(1, 5);
    }
  });

  it('an image-only document (text "") fails as unsupported with a dense field, and is never embedded or sent', async () => {
    const { fake, store } = fakeElasticsearchIndex({ dense: { embedder: scaledEmbedder(1) } });
    const image = { mediaType: "image/png" as const, data: tinyPng() };
    const report = await store.upsert([documents[0]!, { id: "page-1", text: "", image }]);
    expect(report.succeeded).toBe(1);
    expect(report.failed.map((failure) => failure.id)).toEqual(["page-1"]);
    expect((report.failed[0]!.error as HybridRagError).code).toBe("unsupported");
    const bulk = fake.requests.find((request) => request.path.endsWith("/_bulk"))!;
    expect(JSON.stringify(bulk.body)).not.toContain("page-1");
  });

  it("cosine: a zero vector fails its document", async () => {
    const { store } = fakeElasticsearchIndex({ dense: { embedder: scaledEmbedder(0) } });
    const report = await store.upsert(documents.slice(0, 1));
    expect(report.failed[0]!.error.message).toMatch(/zero vector.*cosine/);
  });

  it("dot_product: a non-unit query vector fails before the search is sent", async () => {
    const unit = fakeElasticsearchIndex({
      dense: { embedder: scaledEmbedder(1), similarity: "dot_product" },
    });
    await unit.store.upsert(documents);
    // Same index, but queries now embedded at length 2.
    const { fake, store } = fakeElasticsearchIndex({
      dense: { embedder: scaledEmbedder(2), similarity: "dot_product" },
    });
    const retriever = createElasticsearchHybridRetriever(store);
    await expectFailure(
      () => retriever.retrieve("solar", { topK: 2 }),
      "invalid-argument",
      /query vector.*unit-length/,
    );
    expect(fake.requests).toEqual([]);
  });
});

describe("filter values checked against the mapped types", () => {
  it("refuses values Elasticsearch would coerce or reject, naming the field, type and fix", async () => {
    const { fake, store } = fakeElasticsearchIndex();
    await store.upsert(documents);
    const searches = () => fake.requests.filter((request) => request.path.endsWith("/_search"));
    await expectFailure(
      () => store.retrieve("solar", { topK: 5, filter: { year: "2024" } }),
      "invalid-argument",
      /year.*"2024".*double.*Pass a number/,
    );
    await expectFailure(
      () => store.retrieve("solar", { topK: 5, filter: { lang: 1 } }),
      "invalid-argument",
      /lang.*keyword.*as a string/,
    );
    await expectFailure(
      () => store.retrieve("solar", { topK: 5, filter: { draft: "no" } }),
      "invalid-argument",
      /draft.*boolean/,
    );
    await expectFailure(
      () => store.retrieve("solar", { topK: 5, filter: { year: { gte: "2020" } } }),
      "invalid-argument",
      /double/,
    );
    await expectFailure(
      () => store.retrieve("solar", { topK: 5, filter: { lang: ["en", 2] } }),
      "invalid-argument",
      /keyword/,
    );
    expect(searches()).toEqual([]);
    const hits = await store.retrieve("solar wind", {
      topK: 5,
      filter: { year: { gte: 2021 }, lang: ["en", "fr"], draft: false, ratio: 0.1 },
    });
    expect(hits.map((hit) => hit.id)).toEqual(["a"]);
    // Mapped types are cached: filtering on the same fields again asks for no mapping.
    const mappingRequests = () =>
      fake.requests.filter((request) => request.path.includes("/_mapping/field/")).length;
    const before = mappingRequests();
    await store.retrieve("wind", { topK: 5, filter: { year: 2020, lang: "de" } });
    expect(mappingRequests()).toBe(before);
    // A field no document has is not mapped: it matches nothing, as in the embedded engines.
    expect(await store.retrieve("solar", { topK: 5, filter: { missing: "x" } })).toEqual([]);
  });
});

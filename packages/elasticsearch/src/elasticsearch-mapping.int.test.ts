import { Client } from "@elastic/elasticsearch";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createElasticsearchIndex, type ElasticsearchIndex } from "./elasticsearch-index.ts";

// Needs a live Elasticsearch (ELASTICSEARCH_URL): what the server really maps and accepts.
const url = process.env.ELASTICSEARCH_URL;

describe.skipIf(!url)("Elasticsearch mapping and checks (live server at ELASTICSEARCH_URL)", () => {
  const client = new Client({ node: url ?? "http://localhost:9200" });
  const store: ElasticsearchIndex = createElasticsearchIndex({
    client,
    index: `hybrid-rag-mapping-${process.pid}`,
    dense: { embedder: new HashingEmbedder(16), indexOptions: { type: "flat" } },
  });
  afterAll(async () => {
    await store.drop();
  });

  it("maps floating-point and integer metadata as double, and the vector with our index_options", async () => {
    const report = await store.upsert([
      { id: "a", text: "solar", metadata: { ratio: 0.1, year: 2024, lang: "en" } },
    ]);
    expect(report.failed).toEqual([]);
    const mapping = await client.indices.getMapping({ index: store.index });
    const properties = Object.values(mapping)[0]!.mappings.properties!;
    const metadata = (properties.metadata as { properties: Record<string, { type: string }> })
      .properties;
    expect(metadata.ratio!.type).toBe("double");
    expect(metadata.year!.type).toBe("double");
    expect(metadata.lang!.type).toBe("keyword");
    expect(properties.vector).toMatchObject({
      type: "dense_vector",
      index_options: { type: "flat" },
    });
  });

  it("refuses a filter value of the wrong type before Elasticsearch would coerce or fail", async () => {
    await expect(store.retrieve("solar", { topK: 5, filter: { year: "2024" } })).rejects.toThrow(
      /mapped as double/,
    );
    expect(
      (await store.retrieve("solar", { topK: 5, filter: { ratio: 0.1 } })).map((hit) => hit.id),
    ).toEqual(["a"]);
  });
});

import { Client } from "@elastic/elasticsearch";
import { createElasticsearchIndex, type ElasticsearchIndex } from "../elasticsearch-index.ts";
import type { ElasticsearchIndexOptions } from "../elasticsearch-options.ts";
import { FakeElasticsearch } from "./fake-elasticsearch.ts";

/** An adapter wired to a fresh FakeElasticsearch, with fast retries for tests. */
export function fakeElasticsearchIndex(options: Partial<ElasticsearchIndexOptions> = {}): {
  fake: FakeElasticsearch;
  store: ElasticsearchIndex;
} {
  const fake = new FakeElasticsearch();
  const client = new Client({ node: "http://localhost:9200", Connection: fake.connection() });
  const store = createElasticsearchIndex({
    client,
    index: "test",
    ...options,
    bulk: { initialBackoffMs: 1, maxBackoffMs: 5, ...options.bulk },
  });
  return { fake, store };
}

import { HashingEmbedder, runRetrieverContract } from "@hybrid-rag/core/testing";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, expect } from "vitest";
import { createQdrantIndex } from "./qdrant-index.ts";
import { QdrantStub } from "./testing/qdrant-stub.ts";

const stub = new QdrantStub();
let url = "";
let counter = 0;
beforeAll(async () => {
  url = await stub.start();
});
afterAll(async () => {
  expect(stub.violations, "requests that break Qdrant's documented API").toEqual([]);
  await stub.close();
});

for (const metric of ["cosine", "dot", "l2"] as const) {
  runRetrieverContract({
    name: `Qdrant adapter (${metric}, loopback stub)`,
    create: async () => {
      const client = new QdrantClient({ url, checkCompatibility: false });
      const store = createQdrantIndex({
        client,
        collection: `contract-${counter++}`,
        embedder: new HashingEmbedder(64),
        metric,
      });
      return { retriever: store, index: store, close: () => store.drop() };
    },
  });
}

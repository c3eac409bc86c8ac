import {
  HashingEmbedder,
  runEmbeddingIndexContract,
  runRetrieverContract,
  simpleTokens,
} from "@hybrid-rag/core/testing";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, expect } from "vitest";
import { createQdrantIndex } from "./qdrant-index.ts";
import { bm25SparseEncoder } from "./sparse-encoder.ts";
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

for (const sparse of [false, true]) {
  runEmbeddingIndexContract({
    name: `Qdrant adapter (${sparse ? "dense + sparse" : "dense"}, loopback stub)`,
    create: async (settings) => {
      const client = new QdrantClient({ url, checkCompatibility: false });
      const store = createQdrantIndex({
        client,
        collection: `embedding-contract-${counter++}`,
        // Write batches larger than embedder batches: the embedder still sees embedBatchSize.
        batchSize: 8,
        ...settings,
        ...(sparse ? { sparse: { encoder: bm25SparseEncoder({ analyze: simpleTokens }) } } : {}),
      });
      return { index: store, close: () => store.drop() };
    },
  });
}

import {
  HashingEmbedder,
  runEmbeddingIndexContract,
  runRetrieverContract,
} from "@hybrid-rag/core/testing";
import { createVectorIndex } from "./vector-index.ts";

for (const metric of ["cosine", "dot", "l2"] as const) {
  runRetrieverContract({
    name: `vector index (${metric})`,
    create: async () => {
      const index = createVectorIndex({ embedder: new HashingEmbedder(256), metric });
      return { retriever: index, index };
    },
  });
}

for (const backend of ["exact", "hnsw"] as const) {
  runEmbeddingIndexContract({
    name: `vector index (${backend})`,
    create: async (settings) => {
      const index = createVectorIndex({ ...settings, backend });
      return { index };
    },
  });
}

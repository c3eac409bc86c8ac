import type { Embedder } from "@hybrid-rag/core";
import { Embeddings, type EmbeddingsParams } from "@langchain/core/embeddings";

export interface HybridRagEmbeddingsInput extends EmbeddingsParams {
  /** `createOnnxEmbedder`, `createUseLiteEmbedder`, or a remote hybrid-rag embedder. */
  readonly embedder: Embedder;
}

/**
 * A hybrid-rag embedder as LangChain `Embeddings`: `embedDocuments` uses the model's passage
 * side, `embedQuery` its query side (prefixes or input types, for the models that have them).
 * Calls go through LangChain's `AsyncCaller` (its `maxConcurrency` and `maxRetries`).
 */
export class HybridRagEmbeddings extends Embeddings {
  readonly embedder: Embedder;

  constructor(fields: HybridRagEmbeddingsInput) {
    const { embedder, ...params } = fields;
    super(params);
    this.embedder = embedder;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const vectors = await this.caller.call(() => this.embedder.embedPassages(documents));
    return vectors.map((vector) => Array.from(vector));
  }

  override async embedQuery(document: string): Promise<number[]> {
    const [vector] = await this.caller.call(() => this.embedder.embedQueries([document]));
    return Array.from(vector!);
  }
}

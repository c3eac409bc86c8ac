import type {
  EmbeddingModelV4,
  EmbeddingModelV4CallOptions,
  EmbeddingModelV4Result,
} from "@ai-sdk/provider";
import { type Embedder, HybridRagError } from "@hybrid-rag/core";

export interface EmbeddingModelSettings {
  /**
   * Embed as queries or as passages: models with prefixes (e5, bge) or an input type treat them
   * differently. Default "query" (what `embed()` is mostly used for); use "passage" for `embedMany()`
   * over the documents to index.
   */
  readonly inputType?: "query" | "passage";
  /** Texts per `doEmbed` call; `embedMany()` splits larger inputs (default 256). */
  readonly maxEmbeddingsPerCall?: number;
}

/**
 * A hybrid-rag embedder (ONNX bi-encoder, USE-lite, or a remote one) as an AI SDK embedding model
 * (specification v4), for `embed()` and `embedMany()`.
 */
export class HybridRagEmbeddingModel implements EmbeddingModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "hybrid-rag";
  readonly modelId: string;
  readonly maxEmbeddingsPerCall: number;
  // One ONNX session or TensorFlow.js backend per embedder: parallel calls would only queue.
  readonly supportsParallelCalls = false;
  readonly embedder: Embedder;
  readonly inputType: "query" | "passage";

  constructor(embedder: Embedder, settings: EmbeddingModelSettings = {}) {
    const { inputType = "query", maxEmbeddingsPerCall = 256 } = settings;
    if (inputType !== "query" && inputType !== "passage") {
      throw new HybridRagError(
        "invalid-argument",
        `inputType must be "query" or "passage", got ${JSON.stringify(inputType)}.`,
      );
    }
    if (!Number.isInteger(maxEmbeddingsPerCall) || maxEmbeddingsPerCall < 1) {
      throw new HybridRagError(
        "invalid-argument",
        `maxEmbeddingsPerCall must be a whole number ≥ 1, got ${JSON.stringify(maxEmbeddingsPerCall)}.`,
      );
    }
    this.embedder = embedder;
    this.modelId = embedder.name;
    this.inputType = inputType;
    this.maxEmbeddingsPerCall = maxEmbeddingsPerCall;
  }

  async doEmbed(options: EmbeddingModelV4CallOptions): Promise<EmbeddingModelV4Result> {
    const { values, dimensions, abortSignal } = options;
    // A vector of another length would not match an index built with this embedder: refuse, do
    // not silently return the model's own dimension.
    if (dimensions !== undefined && dimensions !== this.embedder.dimension) {
      throw new HybridRagError(
        "unsupported",
        `${this.modelId} returns ${this.embedder.dimension}-dimensional vectors; dimensions ${dimensions} was asked. Leave dimensions out or pass ${this.embedder.dimension}.`,
      );
    }
    if (values.length > this.maxEmbeddingsPerCall) {
      throw new HybridRagError(
        "invalid-argument",
        `${values.length} values in one call; at most ${this.maxEmbeddingsPerCall} (embedMany splits larger inputs).`,
      );
    }
    const embedOptions = abortSignal ? { signal: abortSignal } : undefined;
    const vectors =
      this.inputType === "query"
        ? await this.embedder.embedQueries(values, embedOptions)
        : await this.embedder.embedPassages(values, embedOptions);
    return { embeddings: vectors.map((vector) => Array.from(vector)), warnings: [] };
  }
}

import type { Embedder } from "@hybrid-rag/core";
import { type EmbeddingModelSettings, HybridRagEmbeddingModel } from "./embedding-model.ts";
import {
  HybridRagRerankingModel,
  type PassageScorer,
  type RerankingModelSettings,
} from "./reranking-model.ts";

export interface SharedScorerSettings {
  /** The model id the AI SDK reports (default "cross-encoder"). */
  readonly modelId?: string;
  readonly activation?: "none" | "sigmoid";
  readonly truncate?: RerankingModelSettings["truncate"];
}

export interface HybridRagProvider {
  /**
   * A cross-encoder as a reranking model: `model` is a model directory or a Hub id (loaded on the
   * first call, in-process or on `workers` threads), or an already loaded `CrossEncoder` /
   * `CrossEncoderWorkerPool` to share (with a reranking server, say).
   */
  reranking(model: string, settings?: RerankingModelSettings): HybridRagRerankingModel;
  reranking(scorer: PassageScorer, settings?: SharedScorerSettings): HybridRagRerankingModel;
  /** An embedder (`createOnnxEmbedder`, `createUseLiteEmbedder`, a remote one) as an embedding model. */
  embedding(embedder: Embedder, settings?: EmbeddingModelSettings): HybridRagEmbeddingModel;
}

/** The hybrid-rag provider for the AI SDK: `rerank({ model: hybridRag.reranking(dir), … })`. */
export function createHybridRag(): HybridRagProvider {
  return {
    reranking(
      model: string | PassageScorer,
      settings: RerankingModelSettings & SharedScorerSettings = {},
    ): HybridRagRerankingModel {
      const { activation, truncate, workers, modelId, ...encoderSettings } = settings;
      const scoring = {
        ...(activation ? { activation } : {}),
        ...(truncate ? { truncate } : {}),
      };
      if (typeof model !== "string") {
        return new HybridRagRerankingModel(modelId ?? "cross-encoder", async () => model, scoring);
      }
      // Loaded lazily, and imported lazily: an app that only embeds never loads onnxruntime here.
      return new HybridRagRerankingModel(
        model,
        async () => {
          const { CrossEncoder, CrossEncoderWorkerPool } = await import("@hybrid-rag/reranker");
          return workers === undefined
            ? CrossEncoder.create({ model, ...encoderSettings })
            : CrossEncoderWorkerPool.create({ model, workers, ...encoderSettings });
        },
        scoring,
      );
    },
    embedding(embedder: Embedder, settings?: EmbeddingModelSettings): HybridRagEmbeddingModel {
      return new HybridRagEmbeddingModel(embedder, settings);
    },
  } as HybridRagProvider;
}

/** The default provider instance. */
export const hybridRag: HybridRagProvider = createHybridRag();

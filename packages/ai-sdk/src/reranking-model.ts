import type {
  RerankingModelV4,
  RerankingModelV4CallOptions,
  RerankingModelV4Result,
  SharedV4Warning,
} from "@ai-sdk/provider";
import { HybridRagError } from "@hybrid-rag/core";
import type {
  CrossEncoder,
  CrossEncoderSettings,
  CrossEncoderWorkerPool,
  TruncateMode,
} from "@hybrid-rag/reranker";

/** What scores one query's passages: an in-process `CrossEncoder` or a `CrossEncoderWorkerPool`. */
export type PassageScorer = Pick<CrossEncoder | CrossEncoderWorkerPool, "scorePairs" | "release">;

export interface RerankingModelSettings extends CrossEncoderSettings {
  /**
   * Score on this many worker threads (`CrossEncoderWorkerPool`) so the caller's event loop stays
   * free, e.g. inside a route handler. Default: in-process (`CrossEncoder`).
   */
  readonly workers?: number;
  /** "none" returns raw logits (as NIM does); "sigmoid" maps them to 0..1 (default "none"). */
  readonly activation?: "none" | "sigmoid";
  /** "END" cuts passages that do not fit the model; "NONE" refuses them (default "END"). */
  readonly truncate?: TruncateMode;
}

/**
 * A cross-encoder as an AI SDK reranking model (specification v4, what `rerank()` of `ai` 7
 * expects). The model is loaded on the first call, so `hybridRag.reranking(dir)` stays cheap and
 * synchronous; `release()` frees the ONNX session or the workers.
 */
export class HybridRagRerankingModel implements RerankingModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "hybrid-rag";
  readonly modelId: string;
  readonly #load: () => Promise<PassageScorer>;
  readonly #activation: "none" | "sigmoid";
  readonly #truncate: TruncateMode;
  #scorer: Promise<PassageScorer> | undefined;

  constructor(
    modelId: string,
    load: () => Promise<PassageScorer>,
    options: { activation?: "none" | "sigmoid"; truncate?: TruncateMode } = {},
  ) {
    this.modelId = modelId;
    this.#load = load;
    this.#activation = options.activation ?? "none";
    this.#truncate = options.truncate ?? "END";
    if (this.#activation !== "none" && this.#activation !== "sigmoid") {
      throw new HybridRagError(
        "invalid-argument",
        `activation must be "none" or "sigmoid", got ${JSON.stringify(this.#activation)}.`,
      );
    }
    if (this.#truncate !== "END" && this.#truncate !== "NONE") {
      throw new HybridRagError(
        "invalid-argument",
        `truncate must be "END" or "NONE", got ${JSON.stringify(this.#truncate)}.`,
      );
    }
  }

  async doRerank(options: RerankingModelV4CallOptions): Promise<RerankingModelV4Result> {
    const { documents, query, topN, abortSignal } = options;
    if (topN !== undefined && (!Number.isInteger(topN) || topN < 1)) {
      throw new HybridRagError(
        "invalid-argument",
        `topN must be a whole number ≥ 1, got ${JSON.stringify(topN)}.`,
      );
    }
    const warnings: SharedV4Warning[] = [];
    // Object documents are scored as their JSON text, as the hosted rerankers of the AI SDK do.
    const texts =
      documents.type === "text"
        ? documents.values
        : documents.values.map((value) => JSON.stringify(value));
    if (documents.type === "object") {
      warnings.push({
        type: "compatibility",
        feature: "object documents",
        details: "each object is scored as its JSON text",
      });
    }
    if (texts.length === 0) return { ranking: [], warnings };
    this.#scorer ??= this.#load().catch((error: unknown) => {
      this.#scorer = undefined; // a failed load (missing directory) is retried by the next call
      throw error;
    });
    const scorer = await this.#scorer;
    const logits = await scorer.scorePairs(query, texts, {
      truncate: this.#truncate,
      ...(abortSignal ? { signal: abortSignal } : {}),
    });
    const ranking = Array.from(logits, (logit, index) => ({
      index,
      relevanceScore: this.#activation === "sigmoid" ? 1 / (1 + Math.exp(-logit)) : logit,
    }))
      // Ties keep the input order, so equal scores give a stable answer.
      .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index)
      .slice(0, topN ?? texts.length);
    return { ranking, warnings, response: { modelId: this.modelId, timestamp: new Date() } };
  }

  /** Frees the ONNX session (or stops the workers); a later call loads the model again. */
  async release(): Promise<void> {
    const scorer = this.#scorer;
    this.#scorer = undefined;
    if (scorer) await (await scorer).release();
  }
}

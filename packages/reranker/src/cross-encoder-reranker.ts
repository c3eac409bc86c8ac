import type { Document, Hit, Reranker, RerankOptions } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import { CrossEncoder, type CrossEncoderOptions } from "./cross-encoder.ts";
import type { TruncateMode } from "./cross-encoder-options.ts";
import { defaultPassageText, rerankHits } from "./rerank-hits.ts";

export interface CrossEncoderRerankerOptions extends Partial<CrossEncoderOptions> {
  /** Share an encoder between rerankers (and a reranking server) instead of loading `model`. */
  readonly crossEncoder?: CrossEncoder;
  readonly name?: string;
  /** "none" keeps raw logits (as NIM returns them); "sigmoid" maps them to 0..1. */
  readonly activation?: "none" | "sigmoid";
  readonly truncate?: TruncateMode;
  readonly passageText?: (document: Document) => string;
}

export interface CrossEncoderReranker extends Reranker {
  readonly crossEncoder: CrossEncoder;
}

/** A core Reranker backed by an in-process ONNX cross-encoder. */
export async function createCrossEncoderReranker(
  options: CrossEncoderRerankerOptions,
): Promise<CrossEncoderReranker> {
  const {
    crossEncoder: given,
    name = "cross-encoder",
    activation = "none",
    truncate = "END",
  } = options;
  const passageText = options.passageText ?? defaultPassageText;
  if (activation !== "none" && activation !== "sigmoid") {
    throw new HybridRagError(
      "invalid-argument",
      `activation must be "none" or "sigmoid", got ${JSON.stringify(activation)}.`,
    );
  }
  let crossEncoder = given;
  if (!crossEncoder) {
    const {
      name: _name,
      activation: _activation,
      truncate: _truncate,
      passageText: _text,
      crossEncoder: _given,
      ...rest
    } = options;
    if (!rest.model) {
      throw new HybridRagError(
        "invalid-argument",
        "createCrossEncoderReranker needs `model` (a path or Hub id) or `crossEncoder`.",
      );
    }
    crossEncoder = await CrossEncoder.create(rest as CrossEncoderOptions);
  }
  const encoder = crossEncoder;
  return {
    name,
    crossEncoder: encoder,
    rerank(
      query: string,
      candidates: readonly Hit[],
      rerankOptions?: RerankOptions,
    ): Promise<Hit[]> {
      return rerankHits(name, candidates, rerankOptions, passageText, async (passages) => {
        const logits = await encoder.scorePairs(query, passages, {
          truncate,
          ...(rerankOptions?.signal ? { signal: rerankOptions.signal } : {}),
        });
        return activation === "sigmoid"
          ? logits.map((logit) => 1 / (1 + Math.exp(-logit)))
          : logits;
      });
    },
  };
}

import type { Document, Hit, Reranker, RerankOptions } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import { CrossEncoder, type CrossEncoderOptions } from "./cross-encoder.ts";
import type { TruncateMode } from "./cross-encoder-options.ts";
import { defaultPassageText, rerankHits } from "./rerank-hits.ts";
import type { ImageReadingOptions, PassageWithImage } from "./vision-documents.ts";

export interface CrossEncoderRerankerOptions extends Partial<CrossEncoderOptions> {
  /** Share an encoder between rerankers (and a reranking server) instead of loading `model`. */
  readonly crossEncoder?: CrossEncoder;
  readonly name?: string;
  /** "none" keeps raw logits (as NIM returns them); "sigmoid" maps them to 0..1. */
  readonly activation?: "none" | "sigmoid";
  readonly truncate?: TruncateMode;
  readonly passageText?: (document: Document) => string;
  /**
   * Vision-language models: bounds on passage images, and the reader of collection-stored
   * images (`document.image` as a reference). Text-only models ignore images only when no
   * candidate has one; otherwise they refuse (`unsupported`).
   */
  readonly images?: ImageReadingOptions;
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
    passageText = defaultPassageText,
    images = {},
    ...encoderOptions
  } = options;
  checkRerankSettings(activation, truncate);
  checkSharedOrOptions("createCrossEncoderReranker", "crossEncoder", given, encoderOptions);
  const crossEncoder = given ?? (await CrossEncoder.create(encoderOptions as CrossEncoderOptions));
  const settings = { activation, truncate, passageText };
  const vision = crossEncoder.model.builtGraph?.vision !== undefined;
  return {
    name,
    crossEncoder,
    // A vision-language model scores image passages: pipelines and the server route images to it.
    ...(vision ? { accepts: { images: true as const } } : {}),
    rerank: !vision
      ? scoringRerank(name, crossEncoder, settings)
      : imageScoringRerank(name, crossEncoder, settings, images),
  };
}

/** Anything that scores passages with images: a `CrossEncoder` or a `CrossEncoderWorkerPool`. */
export interface PassageImageScorer {
  scorePassages(
    query: string,
    passages: readonly PassageWithImage[],
    options: ImageReadingOptions & { truncate?: TruncateMode; signal?: AbortSignal },
  ): Promise<Float32Array>;
}

/**
 * The `rerank` method of a vision-language cross-encoder: each candidate is scored on its
 * passage text and, when its document has one, its image (text-only, image-only and
 * text-and-image candidates in one call).
 */
export function imageScoringRerank(
  name: string,
  crossEncoder: PassageImageScorer,
  { activation, truncate, passageText }: RerankSettings,
  images: ImageReadingOptions,
): Reranker["rerank"] {
  return (query: string, candidates: readonly Hit[], rerankOptions?: RerankOptions) =>
    rerankHits(
      name,
      candidates,
      rerankOptions,
      {
        passageOf: (document) => ({ text: passageText(document), image: document.image }),
        acceptsImages: true,
      },
      async (passages) => {
        const logits = await crossEncoder.scorePassages(query, passages, {
          truncate,
          ...images,
          ...(rerankOptions?.signal ? { signal: rerankOptions.signal } : {}),
        });
        return activation === "sigmoid"
          ? logits.map((logit) => 1 / (1 + Math.exp(-logit)))
          : logits;
      },
    );
}

/**
 * A reranker factory takes either a shared scorer (`shared`) or the options to make its own,
 * never both: settings for a model that will not be loaded would be silently ignored.
 */
export function checkSharedOrOptions(
  factory: string,
  sharedName: string,
  shared: unknown,
  options: { readonly model?: unknown },
): void {
  const ignored = Object.keys(options);
  if (shared && ignored.length > 0) {
    throw new HybridRagError(
      "invalid-argument",
      `${factory} got ${sharedName} and also ${ignored.join(", ")}; pass either a ${sharedName} or the options to create one.`,
    );
  }
  if (!shared && !options.model) {
    throw new HybridRagError(
      "invalid-argument",
      `${factory} needs \`model\` (a path or Hub id) or \`${sharedName}\`.`,
    );
  }
}

export interface RerankSettings {
  readonly activation: "none" | "sigmoid";
  readonly truncate: TruncateMode;
  readonly passageText: (document: Document) => string;
}

/** Anything that scores one query's passages: a `CrossEncoder` or a `CrossEncoderWorkerPool`. */
export interface PassageScorer {
  scorePairs(
    query: string,
    passages: readonly string[],
    options: { truncate?: TruncateMode; signal?: AbortSignal },
  ): Promise<Float32Array>;
}

/** Throws `invalid-argument` for an unknown activation or truncate mode. */
export function checkRerankSettings(activation: string, truncate: string): void {
  if (activation !== "none" && activation !== "sigmoid") {
    throw new HybridRagError(
      "invalid-argument",
      `activation must be "none" or "sigmoid", got ${JSON.stringify(activation)}.`,
    );
  }
  if (!["END", "NONE"].includes(truncate)) {
    throw new HybridRagError(
      "invalid-argument",
      `truncate must be "END" or "NONE", got ${JSON.stringify(truncate)}.`,
    );
  }
}

/** The `rerank` method of a reranker that scores with `scorer`. */
export function scoringRerank(
  name: string,
  scorer: PassageScorer,
  { activation, truncate, passageText }: RerankSettings,
): Reranker["rerank"] {
  return (query: string, candidates: readonly Hit[], rerankOptions?: RerankOptions) =>
    rerankHits(name, candidates, rerankOptions, passageText, async (passages) => {
      const logits = await scorer.scorePairs(query, passages, {
        truncate,
        ...(rerankOptions?.signal ? { signal: rerankOptions.signal } : {}),
      });
      return activation === "sigmoid" ? logits.map((logit) => 1 / (1 + Math.exp(-logit))) : logits;
    });
}

import { HybridRagError, type Reranker, type StoredImageReference } from "@hybrid-rag/core";
import type { z } from "zod";
import type { rerankerSpecSchema } from "../pipeline-spec.ts";
import type { ModelBuildContext } from "./build-options.ts";
import { rerankerApiKey } from "./build-options.ts";
import { modelReference } from "./model-reference.ts";

export type RerankerSpec = z.output<typeof rerankerSpecSchema>;

/** A reranker the factory built. */
export interface BuiltReranker {
  /** The registered kind that built it (`cross-encoder`, `endpoint`): apps report on it. */
  readonly kind: string;
  readonly reranker: Reranker;
  /** Ends the model's session or worker thread; call it when done. */
  release(): Promise<void>;
}

/**
 * One way of turning `reranker.model` into a reranker; kinds are tried in order and import
 * their package only when they build.
 */
export interface RerankerKind {
  readonly kind: string;
  readonly description: string;
  matches(spec: RerankerSpec): boolean;
  build(spec: RerankerSpec, context: ModelBuildContext): Promise<BuiltReranker>;
}

const endpointKind: RerankerKind = {
  kind: "endpoint",
  description: "an http(s) URL speaking reranker.api (nim, tei, cohere)",
  matches: (spec) => modelReference(spec.model).kind === "endpoint",
  async build(spec, { options }) {
    const remote = await import("@hybrid-rag/reranker/remote");
    const apiKey = rerankerApiKey(options);
    const common = { baseUrl: spec.model.trim(), ...(apiKey ? { apiKey } : {}) };
    const model = spec.endpointModel ?? "";
    if (spec.images && spec.api !== "nim") {
      throw new HybridRagError(
        "invalid-argument",
        `reranker.images is for a NIM VLM endpoint (api nim), and reranker.api is ${spec.api}: set api nim, or leave reranker.images out.`,
      );
    }
    const reranker =
      spec.api === "tei"
        ? remote.createTeiReranker(common)
        : spec.api === "cohere"
          ? remote.createCohereReranker({ ...common, model })
          : remote.createNimReranker({
              ...common,
              model,
              ...(spec.images
                ? {
                    acceptsImages: true,
                    ...(options.imageResolver ? { imageResolver: options.imageResolver } : {}),
                  }
                : {}),
            });
    return { kind: "endpoint", reranker, release: async () => undefined };
  },
};

const crossEncoderKind: RerankerKind = {
  kind: "cross-encoder",
  description: "a cross-encoder folder or Hugging Face id, run in-process with onnxruntime",
  matches: (spec) => modelReference(spec.model).kind === "in-process",
  async build(spec, { executionProvider, options }) {
    const { createCrossEncoderReranker, createWorkerPoolReranker } = await import(
      "@hybrid-rag/reranker"
    );
    const model = spec.model.trim();
    const resolver = options.imageResolver;
    // A VLM reads collection-stored page images through the app's resolver (text models ignore
    // it); on a worker thread, the references are read here and their bytes sent to the worker.
    const images = resolver
      ? {
          images: {
            resolveImage: async (image: StoredImageReference) =>
              (await resolver.resolveImage(image)).data,
          },
        }
      : {};
    if (options.rerankerOnWorker === true) {
      const reranker = await createWorkerPoolReranker({ model, executionProvider, ...images });
      return {
        kind: "cross-encoder",
        reranker,
        release: () => reranker.workerPool.release(),
      };
    }
    const reranker = await createCrossEncoderReranker({ model, executionProvider, ...images });
    return { kind: "cross-encoder", reranker, release: () => reranker.crossEncoder.release() };
  },
};

/** The reranker kinds, in the order they are tried: add a kind here (and its package). */
export const rerankerKinds: readonly RerankerKind[] = [endpointKind, crossEncoderKind];

/** Builds the spec's reranker with the first kind that takes its `model`. */
export async function buildReranker(
  spec: RerankerSpec,
  context: ModelBuildContext,
): Promise<BuiltReranker> {
  const reference = modelReference(spec.model);
  const kind = rerankerKinds.find((candidate) => candidate.matches(spec));
  if (!kind || reference.kind === "use-lite" || spec.model.trim() === "none") {
    throw new HybridRagError(
      "invalid-argument",
      `reranker.model ${JSON.stringify(spec.model)} names no reranker (use-lite is an embedding model): give ${rerankerKinds.map((each) => each.description).join("; or ")} — or leave the reranker out.`,
    );
  }
  return kind.build(spec, context);
}

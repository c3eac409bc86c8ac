import { HybridRagError } from "@hybrid-rag/core";
import type { OnnxEmbedder, OnnxEmbedderPool } from "@hybrid-rag/embeddings";
import type { ModelBuildContext } from "./build-options.ts";
import { embedderApiKey } from "./build-options.ts";
import type { BuiltEmbedder, EmbedderSpec } from "./built-embedder.ts";
import { modelReference, prefixesForModel } from "./model-reference.ts";

/**
 * One way of turning `embedder.model` into an embedder. Kinds are tried in order; the heavy
 * package of each is imported only when its kind builds (an endpoint never loads onnxruntime).
 */
export interface EmbedderKind {
  readonly kind: string;
  readonly description: string;
  matches(spec: EmbedderSpec): boolean;
  build(spec: EmbedderSpec, context: ModelBuildContext): Promise<BuiltEmbedder>;
}

const endpointKind: EmbedderKind = {
  kind: "endpoint",
  description: "an http(s) URL speaking embedder.api (nim, tei, openai)",
  matches: (spec) => modelReference(spec.model).kind === "endpoint",
  async build(spec, { options }) {
    const remote = await import("@hybrid-rag/embeddings/remote");
    const apiKey = embedderApiKey(options);
    const common = {
      baseUrl: spec.model.trim(),
      dimension: spec.dimension ?? 0,
      ...(apiKey ? { apiKey } : {}),
    };
    const model = spec.endpointModel ?? "";
    const embedder =
      spec.api === "tei"
        ? remote.createTeiEmbedder(common)
        : spec.api === "openai"
          ? remote.createOpenAiEmbedder({ ...common, model })
          : remote.createNimEmbedder({ ...common, model });
    return { kind: "endpoint", embedder, release: async () => undefined };
  },
};

const useLiteKind: EmbedderKind = {
  kind: "use-lite",
  description: "Universal Sentence Encoder Lite from npm (TensorFlow.js WASM, no download)",
  matches: (spec) => modelReference(spec.model).kind === "use-lite",
  async build(_spec, { options }) {
    const use = await import("@hybrid-rag/embeddings-use");
    const workers = options.embedderWorkers ?? 0;
    if (workers === 0) {
      const embedder = await use.createUseLiteEmbedder();
      return {
        kind: "use-lite",
        embedder,
        release: async () => embedder.release(),
        tokenCounter: use.useLiteTokenCounter(embedder),
        modelMaxTokens: embedder.maxTokens,
      };
    }
    // The pool's workers hold the graph; this thread needs only the tokenizer, for chunking.
    const [embedder, tokenizer] = await Promise.all([
      use.createUseLiteEmbedderPool({ workers }),
      use.loadUseLiteTokenizer(),
    ]);
    return {
      kind: "use-lite",
      embedder,
      release: () => embedder.release(),
      tokenCounter: use.useLiteTokenCounter(tokenizer),
      modelMaxTokens: tokenizer.maxTokens,
    };
  },
};

const onnxKind: EmbedderKind = {
  kind: "onnx",
  description: "a model folder or Hugging Face id, run in-process with onnxruntime",
  matches: (spec) => modelReference(spec.model).kind === "in-process",
  async build(spec, { executionProvider, options }) {
    const { createOnnxEmbedder, createOnnxEmbedderPool } = await import("@hybrid-rag/embeddings");
    const model = spec.model.trim();
    const settings = {
      model,
      // Collections record this name: it says which model their vectors came from.
      name: `onnx:${model}`,
      executionProvider,
      prefixes: spec.prefixes ?? prefixesForModel(model),
    };
    const workers = options.embedderWorkers ?? 0;
    const embedder = await withOfflineHint<OnnxEmbedder | OnnxEmbedderPool>(model, () =>
      workers === 0
        ? createOnnxEmbedder(settings)
        : createOnnxEmbedderPool({ ...settings, workers }),
    );
    const { tokenizer, maxLength } = embedder.model;
    return {
      kind: "onnx",
      embedder,
      release: () => embedder.release(),
      tokenCounter: {
        name: `tokenizer of ${model}`,
        count: (text) => tokenizer.tokenize(text).length,
      },
      modelMaxTokens: maxLength - tokenizer.specialTokensSingle,
    };
  },
};

/** The embedder kinds, in the order they are tried: add a kind here (and its package). */
export const embedderKinds: readonly EmbedderKind[] = [endpointKind, useLiteKind, onnxKind];

/** What a failed Hub download says: the route that needs no network. */
export const offlineHint =
  'No network? embedder.model "use-lite" (--embedding-model use-lite) runs Universal Sentence Encoder Lite from npm with nothing to download; or pass a model folder.';

/** Builds the spec's embedder with the first kind that takes its `model`. */
export async function buildEmbedder(
  spec: EmbedderSpec,
  context: ModelBuildContext,
): Promise<BuiltEmbedder> {
  const kind = embedderKinds.find((candidate) => candidate.matches(spec));
  if (!kind || spec.model.trim() === "" || spec.model.trim() === "none") {
    throw new HybridRagError(
      "invalid-argument",
      `embedder.model ${JSON.stringify(spec.model)} names no model: give ${embedderKinds.map((each) => each.description).join("; or ")} — or leave the embedder out for BM25 only.`,
    );
  }
  return kind.build(spec, context);
}

/** A Hub model that cannot be fetched (no network, not cached) names the offline route. */
async function withOfflineHint<T>(model: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const { existsSync } = await import("node:fs");
    if (
      !existsSync(model) &&
      HybridRagError.isInstance(error) &&
      (error.code === "unavailable" || error.code === "not-found" || error.code === "timeout")
    ) {
      throw new HybridRagError(error.code, `${error.message} ${offlineHint}`, {
        cause: error,
        ...(error.details ? { details: error.details } : {}),
      });
    }
    throw error;
  }
}

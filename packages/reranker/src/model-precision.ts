import { stat } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import {
  buildModelGraph,
  type ExecutionProviderChoice,
  gpuProviders,
  type LoadModelOptions,
  type ModelDirectory,
  providerLibraryInstalled,
} from "@hybrid-rag/models";

export const modelPrecisions = ["auto", "fp32", "fp16"] as const;

/** Which weights to run: "auto" takes the fp16 file on a GPU when the directory has one. */
export type ModelPrecision = (typeof modelPrecisions)[number];

/** Where Optimum / transformers.js exports keep half-precision weights. */
export const fp16ModelFile = join("onnx", "model_fp16.onnx");

/** The ONNX file a cross-encoder runs, and at which precision. */
export interface ChosenModelFile {
  readonly path: string;
  readonly precision: "fp32" | "fp16";
}

/**
 * Picks the ONNX file for a precision and provider. fp16 halves memory traffic and uses tensor
 * cores on GPUs; on CPUs onnxruntime runs fp16 graphs slower than fp32, so "auto" keeps fp32 there.
 * An explicit `onnxFile` (in `hub`) or a ModelDirectory with another file is kept as fp32.
 */
export async function chooseModelFile(
  model: ModelDirectory,
  precision: ModelPrecision,
  provider: ExecutionProviderChoice,
  onGraph?: LoadModelOptions["onGraph"],
): Promise<ChosenModelFile> {
  if (model.builtGraph) return chooseBuiltGraph(model, precision, provider, onGraph);
  if (precision === "fp32") return { path: model.onnxPath, precision: "fp32" };
  const fp16Path = join(model.path, fp16ModelFile);
  const hasFp16 = (await stat(fp16Path).catch(() => undefined))?.isFile() ?? false;
  if (precision === "fp16") {
    if (!hasFp16) {
      throw new HybridRagError(
        "not-found",
        `precision "fp16" needs ${fp16Path}, which does not exist. Convert the fp32 model with ` +
          "onnxconverter-common (`float16.convert_float_to_float16(model, keep_io_types=True)`) or " +
          'export it with `optimum-cli export onnx --dtype fp16 --device cuda`; or use precision "auto".',
      );
    }
    return { path: fp16Path, precision: "fp16" };
  }
  return hasFp16 && isOnGpu(provider)
    ? { path: fp16Path, precision: "fp16" }
    : { path: model.onnxPath, precision: "fp32" };
}

function isOnGpu(provider: ExecutionProviderChoice): boolean {
  return (
    gpuProviders.includes(provider as never) ||
    (provider === "auto" && providerLibraryInstalled("cuda"))
  );
}

/**
 * A directory built from safetensors has no fp16 file: its float16 graph is built (and cached)
 * from the same weights when fp16 is asked for, or by "auto" on a GPU.
 */
async function chooseBuiltGraph(
  model: ModelDirectory,
  precision: ModelPrecision,
  provider: ExecutionProviderChoice,
  onGraph: LoadModelOptions["onGraph"],
): Promise<ChosenModelFile> {
  const built = model.builtGraph!;
  const wanted =
    precision === "fp16" || (precision === "auto" && isOnGpu(provider)) ? "fp16" : "fp32";
  const graphPrecision = wanted === "fp16" ? "float16" : "float32";
  if (built.precision === graphPrecision) return { path: model.onnxPath, precision: wanted };
  const graph = await buildModelGraph(model.path, {
    task: built.task,
    precision: graphPrecision,
    ...(built.cacheDirectory === undefined ? {} : { cacheDirectory: built.cacheDirectory }),
    ...(onGraph === undefined ? {} : { onGraph }),
  });
  return { path: graph.onnxPath, precision: wanted };
}

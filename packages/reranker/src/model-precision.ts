import { stat } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import {
  type ExecutionProviderChoice,
  gpuProviders,
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
): Promise<ChosenModelFile> {
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
  const onGpu =
    gpuProviders.includes(provider as never) ||
    (provider === "auto" && providerLibraryInstalled("cuda"));
  return hasFp16 && onGpu
    ? { path: fp16Path, precision: "fp16" }
    : { path: model.onnxPath, precision: "fp32" };
}

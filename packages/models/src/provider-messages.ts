import { HybridRagError } from "@hybrid-rag/core";
import type { ExecutionProvider } from "./execution-provider.ts";
import { cudaInstallCommand } from "./provider-libraries.ts";

/** How to get a provider working, for the errors and warnings that name it. */
export function providerRemedy(provider: ExecutionProvider): string {
  switch (provider) {
    case "cuda":
    case "tensorrt":
      return (
        `Install onnxruntime-node's CUDA provider libraries with \`${cudaInstallCommand}\` ` +
        "(in a clone of hybrid-rag: `pnpm gpu install`); `npx hybrid-rag-gpu check` lists which " +
        "CUDA / cuDNN libraries are still missing."
      );
    case "webgpu":
      return (
        "WebGPU in Node needs a GPU adapter: on Linux the Vulkan loader (libvulkan.so.1) and the " +
        "GPU driver's Vulkan ICD; `npx hybrid-rag-gpu check` tries it."
      );
    default:
      return "";
  }
}

export function providerUnavailableError(
  requested: ExecutionProvider,
  reason: string,
): HybridRagError {
  return new HybridRagError(
    "unavailable",
    `Execution provider "${requested}" was requested but could not load (${reason}). ` +
      `${providerRemedy(requested)} Or choose executionProvider "cpu", or set ` +
      `onProviderUnavailable: "warn" to fall back to CPU.`,
    { isRetryable: false, details: { requested, reason } },
  );
}

export function cpuNodesRefusedError(
  provider: ExecutionProvider,
  modelPath: string,
): HybridRagError {
  return new HybridRagError(
    "unavailable",
    `onnxruntime would run some nodes of ${modelPath} on the CPU instead of "${provider}" (it has ` +
      `no ${provider} kernel for them) and onCpuNodes is "fail". Set onCpuNodes: "report" to run ` +
      "them on the CPU and have it reported, or export the model with operators the provider supports.",
    { isRetryable: false, details: { provider, modelPath } },
  );
}

export function modelLoadError(modelPath: string, error: unknown): HybridRagError {
  return new HybridRagError(
    "corrupt-data",
    `onnxruntime could not load the model ${modelPath}: ${firstLine(error)}. Check that the file ` +
      `is a complete ONNX model (re-download it) and that its opset is supported by onnxruntime 1.30.`,
    { cause: error },
  );
}

/** The first line of an error, without onnxruntime's source-location prefix. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0]!;
  // "/onnxruntime_src/…/webgpu_context.cc:136 … was false. Failed to get a WebGPU adapter: …"
  const withoutSource = line.replace(/^\/onnxruntime_src\/\S+ .*? was false\. /, "");
  return withoutSource.slice(0, 300);
}

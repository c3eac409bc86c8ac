import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ExecutionProvider } from "./execution-provider.ts";

const sharedLibraries: Partial<Record<ExecutionProvider, string>> = {
  cuda: "libonnxruntime_providers_cuda.so",
  tensorrt: "libonnxruntime_providers_tensorrt.so",
};

/**
 * Where onnxruntime-node keeps its native binding and the provider libraries its install
 * script downloads (bin/napi-v6/<platform>/<arch>).
 */
export function onnxRuntimeBinaryDirectory(): string {
  const entry = createRequire(import.meta.url).resolve("onnxruntime-node");
  return join(dirname(entry), "..", "bin", "napi-v6", process.platform, process.arch);
}

/**
 * Whether the provider's shared library is present (Linux builds). "auto" uses this to skip
 * probing CUDA where it cannot load, which would print onnxruntime errors on every session;
 * a provider asked for by name is always tried, so its real error is reported.
 */
export function providerLibraryInstalled(provider: ExecutionProvider): boolean {
  const library = sharedLibraries[provider];
  if (!library || process.platform !== "linux") return true;
  return existsSync(join(onnxRuntimeBinaryDirectory(), library));
}

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ExecutionProvider } from "./execution-provider.ts";

/**
 * The shared libraries onnxruntime-node's install script downloads for each provider (Linux
 * x64): the provider itself plus the bridge every provider library loads through. CPU and WebGPU
 * are linked into the binding that ships in the npm package.
 */
export const providerLibraryFiles: Partial<Record<ExecutionProvider, readonly string[]>> = {
  cuda: ["libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so"],
  tensorrt: [
    "libonnxruntime_providers_shared.so",
    "libonnxruntime_providers_cuda.so",
    "libonnxruntime_providers_tensorrt.so",
  ],
};

/** The command that installs the CUDA provider libraries (see `gpu/gpu-cli.ts`). */
export const cudaInstallCommand = "npx hybrid-rag-gpu install";

/**
 * Where onnxruntime-node keeps its native binding and the provider libraries its install
 * script downloads (bin/napi-v6/<platform>/<arch>).
 */
export function onnxRuntimeBinaryDirectory(): string {
  const entry = createRequire(import.meta.url).resolve("onnxruntime-node");
  return join(dirname(entry), "..", "bin", "napi-v6", process.platform, process.arch);
}

/**
 * The provider's library files that are not in `directory` (empty: installed). onnxruntime-node's
 * `listSupportedBackends()` cannot answer this: it reports CUDA as `bundled: false` whether or not
 * the install script has put the libraries there. Only Linux builds download them; elsewhere
 * nothing is reported missing and loading the provider tells.
 */
export function missingProviderLibraries(
  provider: ExecutionProvider,
  directory: string = onnxRuntimeBinaryDirectory(),
  platform: NodeJS.Platform = process.platform,
): string[] {
  const files = providerLibraryFiles[provider];
  if (!files || platform !== "linux") return [];
  return files.filter((file) => !existsSync(join(directory, file)));
}

/** Whether the provider's shared libraries are present (see `missingProviderLibraries`). */
export function providerLibraryInstalled(
  provider: ExecutionProvider,
  directory: string = onnxRuntimeBinaryDirectory(),
  platform: NodeJS.Platform = process.platform,
): boolean {
  return missingProviderLibraries(provider, directory, platform).length === 0;
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionProvider } from "../execution-provider.ts";
import { createOnnxSession } from "../onnx-session.ts";
import { missingProviderLibraries, onnxRuntimeBinaryDirectory } from "../provider-libraries.ts";
import { loaderFinds, missingDependencies } from "./cuda-runtime.ts";
import { writeRouteCheckModel } from "./route-check-model.ts";

/** Whether one GPU route loads here, and if not, exactly what is missing. */
export interface GpuRouteCheck {
  readonly provider: ExecutionProvider;
  readonly loads: boolean;
  /** When it loads: whether every node runs on the GPU (see `allNodesOnProvider`). */
  readonly allNodesOnProvider: boolean | undefined;
  /** onnxruntime-node provider libraries absent from its binary folder. */
  readonly missingProviderLibraries: readonly string[];
  /** Libraries those provider libraries need that the loader cannot find (CUDA, cuDNN, …). */
  readonly missingSystemLibraries: readonly string[];
  /** The loader's or onnxruntime's error when it does not load. */
  readonly error: string | undefined;
}

export const gpuRoutes = ["cuda", "webgpu"] as const satisfies readonly ExecutionProvider[];

/**
 * Tries each GPU route on a tiny model written to a temporary folder (no download): checks
 * the provider's files, what they link against, then opens a session on it.
 */
export async function checkGpuRoutes(
  routes: readonly ExecutionProvider[] = gpuRoutes,
): Promise<GpuRouteCheck[]> {
  const root = await mkdtemp(join(tmpdir(), "hybrid-rag-gpu-check-"));
  try {
    const modelPath = await writeRouteCheckModel(root);
    const checks: GpuRouteCheck[] = [];
    for (const provider of routes) checks.push(await checkRoute(provider, modelPath));
    return checks;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function checkRoute(provider: ExecutionProvider, modelPath: string): Promise<GpuRouteCheck> {
  const missingFiles = missingProviderLibraries(provider);
  const missingSystem: string[] = [];
  if (missingFiles.length === 0 && (provider === "cuda" || provider === "tensorrt")) {
    const library = join(onnxRuntimeBinaryDirectory(), `libonnxruntime_providers_${provider}.so`);
    missingSystem.push(...((await missingDependencies(library)) ?? []));
  }
  // Dawn (WebGPU) reaches Linux GPUs through Vulkan, loaded at run time: ldd cannot see it.
  if (provider === "webgpu" && process.platform === "linux") {
    if ((await loaderFinds("libvulkan.so.1")) === false) missingSystem.push("libvulkan.so.1");
  }
  const base = {
    provider,
    missingProviderLibraries: missingFiles,
    missingSystemLibraries: missingSystem,
  };
  try {
    const session = await createOnnxSession(modelPath, { executionProvider: provider });
    const allNodesOnProvider = session.allNodesOnProvider;
    await session.release();
    return { ...base, loads: true, allNodesOnProvider, error: undefined };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, loads: false, allNodesOnProvider: undefined, error: message };
  }
}

/** Human-readable lines for one route: what works, or exactly what is missing. */
export function describeRouteCheck(check: GpuRouteCheck): string[] {
  if (check.loads) {
    return [
      `${check.provider}: loads${check.allNodesOnProvider ? " (every node on the GPU)" : " (some nodes run on the CPU: onnxruntime has no GPU kernel for them)"}`,
    ];
  }
  const lines = [`${check.provider}: does not load`];
  if (check.missingProviderLibraries.length > 0) {
    lines.push(
      `  missing in ${onnxRuntimeBinaryDirectory()}: ${check.missingProviderLibraries.join(", ")}`,
      "  fix: npx hybrid-rag-gpu install (in a clone of hybrid-rag: pnpm gpu install)",
    );
  }
  if (check.missingSystemLibraries.length > 0) {
    lines.push(
      `  not found by the dynamic loader: ${check.missingSystemLibraries.join(", ")}`,
      check.provider === "webgpu"
        ? "  fix: install the Vulkan loader (Debian/Ubuntu: libvulkan1) and the GPU driver's Vulkan ICD"
        : "  fix: install the CUDA runtime / cuBLAS / cuDNN packages that provide them, or add their folder to LD_LIBRARY_PATH",
    );
  }
  if (check.error) lines.push(`  error: ${check.error}`);
  return lines;
}

import { z } from "zod";

export const executionProviders = ["auto", "cpu", "cuda", "tensorrt", "webgpu"] as const;

/**
 * Which hardware runs the model. "auto" tries CUDA (when its libraries are installed), then CPU,
 * and reports what it got; WebGPU is used only when asked for by name.
 */
export type ExecutionProviderChoice = (typeof executionProviders)[number];

/** A provider a session really runs on. */
export type ExecutionProvider = Exclude<ExecutionProviderChoice, "auto">;

export const graphOptimizationLevels = ["disabled", "basic", "extended", "all"] as const;

export const sessionOptionsSchema = z.strictObject({
  executionProvider: z.enum(executionProviders).default("auto"),
  /**
   * When an explicitly requested GPU provider cannot load: "fail" throws `unavailable`,
   * "warn" runs on CPU and says so on stderr and in the session's `fallbackReason`.
   */
  onProviderUnavailable: z.enum(["fail", "warn"]).default("fail"),
  /**
   * A GPU provider's session is first created with onnxruntime's CPU fallback disabled
   * (`session.disable_cpu_ep_fallback`), which proves every node runs on the GPU. When onnxruntime
   * refuses because some nodes (typically shape arithmetic) only have CPU kernels: "report" creates
   * the session with those nodes on the CPU and says so (`allNodesOnProvider: false`); "fail"
   * throws `unavailable`.
   */
  onCpuNodes: z.enum(["report", "fail"]).default("report"),
  /** CUDA / TensorRT device index. */
  deviceId: z.number().int().min(0).default(0),
  /** Threads inside one operator (0 or absent: onnxruntime's default, one per core). */
  intraOpThreads: z.number().int().min(0).optional(),
  interOpThreads: z.number().int().min(0).optional(),
  graphOptimizationLevel: z.enum(graphOptimizationLevels).default("all"),
  executionMode: z.enum(["sequential", "parallel"]).default("sequential"),
});

export type SessionOptions = z.input<typeof sessionOptionsSchema>;
export type ResolvedSessionOptions = z.output<typeof sessionOptionsSchema>;

export const gpuProviders: readonly ExecutionProvider[] = ["cuda", "tensorrt", "webgpu"];

/** The providers to try in order for a choice: a GPU request never silently becomes CPU. */
export function providerCandidates(choice: ExecutionProviderChoice): ExecutionProvider[] {
  if (choice === "auto") return ["cuda", "cpu"];
  return [choice];
}

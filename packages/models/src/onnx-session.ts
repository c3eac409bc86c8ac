import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import * as ort from "onnxruntime-node";
import {
  type ExecutionProvider,
  type ExecutionProviderChoice,
  gpuProviders,
  providerCandidates,
  type ResolvedSessionOptions,
  type SessionOptions,
  sessionOptionsSchema,
} from "./execution-provider.ts";
import { missingProviderLibraries, onnxRuntimeBinaryDirectory } from "./provider-libraries.ts";
import {
  cpuNodesRefusedError,
  firstLine,
  modelLoadError,
  providerUnavailableError,
} from "./provider-messages.ts";

/** What a session really runs on: the facts every report states. */
export interface ProviderReport {
  /** What the caller asked for ("auto" included). */
  readonly requestedProvider: ExecutionProviderChoice;
  /** The execution provider in use (never "auto"). */
  readonly provider: ExecutionProvider;
  /**
   * True when onnxruntime placed every node on `provider` (always so on CPU; on a GPU, proven by
   * creating the session with CPU fallback disabled); false when some nodes run on the CPU.
   */
  readonly allNodesOnProvider: boolean;
  /** Why the session is not on the requested provider, when it fell back. */
  readonly fallbackReason: string | undefined;
}

/** An onnxruntime session plus the provider it actually runs on. */
export interface OnnxSession extends ProviderReport {
  readonly session: ort.InferenceSession;
  readonly modelPath: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  release(): Promise<void>;
}

const cpuNodesRefusal = /assigned to the default CPU EP/;
let warnedAutoOnCpu = false;

/**
 * Creates an onnxruntime session on the requested execution provider. onnxruntime-node throws
 * when a provider's libraries cannot load (it ships CPU and WebGPU; CUDA and TensorRT need its
 * install script's download), so each candidate is tried on its own and the one that loaded is
 * reported. A GPU that was asked for by name never silently becomes CPU: "fail" throws
 * `unavailable` naming the fix, "warn" falls back with a warning on stderr and `fallbackReason`.
 * CUDA / TensorRT without their libraries fail before onnxruntime is even asked.
 */
export async function createOnnxSession(
  modelPath: string,
  options: SessionOptions = {},
): Promise<OnnxSession> {
  const resolved = parseWithSchema(sessionOptionsSchema, options, "ONNX session options");
  const requested = resolved.executionProvider;
  const failures: string[] = [];
  for (const provider of providerCandidates(requested)) {
    const missing = missingProviderLibraries(provider);
    if (missing.length > 0) {
      failures.push(
        `${provider}: not installed (${missing.join(", ")} missing in ${onnxRuntimeBinaryDirectory()})`,
      );
      continue;
    }
    try {
      const created = await createOnProvider(modelPath, provider, resolved);
      const fallbackReason = failures.length > 0 ? failures.join("; ") : undefined;
      if (requested === "auto" && provider === "cpu") warnAutoOnCpu(fallbackReason);
      return wrap(created.session, modelPath, {
        requestedProvider: requested,
        provider,
        allNodesOnProvider: created.allNodesOnProvider,
        fallbackReason,
      });
    } catch (error) {
      if (HybridRagError.isInstance(error)) throw error;
      if (provider === "cpu") throw modelLoadError(modelPath, error);
      failures.push(`${provider}: ${firstLine(error)}`);
    }
  }
  if (requested === "auto") {
    // Unreachable: "auto" ends with CPU, whose failure was thrown above.
    throw new HybridRagError("internal", `No execution provider could load ${modelPath}.`);
  }
  const reason = failures.join("; ");
  if (resolved.onProviderUnavailable === "fail") throw providerUnavailableError(requested, reason);
  const fallbackReason = `${requested} could not load (${reason})`;
  console.warn(
    `[hybrid-rag] WARNING: execution provider "${requested}" unavailable for ${modelPath}; ` +
      `running on CPU instead (onProviderUnavailable: "warn"). ${fallbackReason}`,
  );
  try {
    const { session } = await createOnProvider(modelPath, "cpu", resolved);
    return wrap(session, modelPath, {
      requestedProvider: requested,
      provider: "cpu",
      allNodesOnProvider: true,
      fallbackReason,
    });
  } catch (error) {
    throw modelLoadError(modelPath, error);
  }
}

/** The report part of a session, as plain JSON for results files and status endpoints. */
export function providerReport(session: ProviderReport): ProviderReport {
  return {
    requestedProvider: session.requestedProvider,
    provider: session.provider,
    allNodesOnProvider: session.allNodesOnProvider,
    fallbackReason: session.fallbackReason,
  };
}

async function createOnProvider(
  modelPath: string,
  provider: ExecutionProvider,
  options: ResolvedSessionOptions,
): Promise<{ session: ort.InferenceSession; allNodesOnProvider: boolean }> {
  if (!gpuProviders.includes(provider)) {
    return {
      session: await ort.InferenceSession.create(modelPath, ortOptions(provider, options, false)),
      allNodesOnProvider: true,
    };
  }
  try {
    const strict = ortOptions(provider, options, true);
    return {
      session: await ort.InferenceSession.create(modelPath, strict),
      allNodesOnProvider: true,
    };
  } catch (error) {
    if (!cpuNodesRefusal.test(String(error))) throw error;
    if (options.onCpuNodes === "fail") throw cpuNodesRefusedError(provider, modelPath);
    return {
      session: await ort.InferenceSession.create(modelPath, ortOptions(provider, options, false)),
      allNodesOnProvider: false,
    };
  }
}

function ortOptions(
  provider: ExecutionProvider,
  options: ResolvedSessionOptions,
  disableCpuFallback: boolean,
): ort.InferenceSession.SessionOptions {
  const providerConfig: ort.InferenceSession.ExecutionProviderConfig =
    provider === "cuda" || provider === "tensorrt"
      ? { name: provider, deviceId: options.deviceId }
      : provider;
  return {
    executionProviders: [providerConfig],
    graphOptimizationLevel: options.graphOptimizationLevel,
    executionMode: options.executionMode,
    // Provider probing failures are reported through our own error, not onnxruntime's log.
    logSeverityLevel: 3,
    ...(options.intraOpThreads === undefined ? {} : { intraOpNumThreads: options.intraOpThreads }),
    ...(options.interOpThreads === undefined ? {} : { interOpNumThreads: options.interOpThreads }),
    ...(disableCpuFallback ? { extra: { session: { disable_cpu_ep_fallback: "1" } } } : {}),
  };
}

/** "auto" that lands on CPU says so once per process, as a Node warning (`process.on("warning")`). */
function warnAutoOnCpu(reason: string | undefined): void {
  if (warnedAutoOnCpu) return;
  warnedAutoOnCpu = true;
  process.emitWarning(
    `executionProvider "auto" runs on the CPU (${reason ?? "no GPU provider available"}). ` +
      'Ask for "cpu" to silence this, or "cuda" / "webgpu" to get an error naming what is missing.',
    { type: "HybridRagWarning", code: "HYBRID_RAG_AUTO_ON_CPU" },
  );
}

function wrap(
  session: ort.InferenceSession,
  modelPath: string,
  report: ProviderReport,
): OnnxSession {
  return {
    session,
    modelPath,
    ...report,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    release: () => session.release(),
  };
}

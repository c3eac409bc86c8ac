import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import * as ort from "onnxruntime-node";
import {
  type ExecutionProvider,
  providerCandidates,
  type ResolvedSessionOptions,
  type SessionOptions,
  sessionOptionsSchema,
} from "./execution-provider.ts";
import { onnxRuntimeBinaryDirectory, providerLibraryInstalled } from "./provider-libraries.ts";

/** An onnxruntime session plus the provider it actually runs on. */
export interface OnnxSession {
  readonly session: ort.InferenceSession;
  /** The execution provider in use (never "auto"). */
  readonly provider: ExecutionProvider;
  /** Why the session is not on the requested provider, when it fell back. */
  readonly fallbackReason: string | undefined;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  release(): Promise<void>;
}

/**
 * Creates an onnxruntime session on the requested execution provider. onnxruntime-node throws
 * when a provider's libraries cannot load (it ships CPU and WebGPU; CUDA and TensorRT need its
 * install script's download), so each candidate is tried on its own and the one that loaded is
 * reported. A GPU that was asked for by name never silently becomes CPU: "fail" throws
 * `unavailable`, "warn" falls back with a warning on stderr and `fallbackReason` set.
 */
export async function createOnnxSession(
  modelPath: string,
  options: SessionOptions = {},
): Promise<OnnxSession> {
  const resolved = parseWithSchema(sessionOptionsSchema, options, "ONNX session options");
  const failures: string[] = [];
  for (const provider of providerCandidates(resolved.executionProvider)) {
    if (resolved.executionProvider === "auto" && !providerLibraryInstalled(provider)) {
      failures.push(
        `${provider}: not installed (no ${provider} provider library in ${onnxRuntimeBinaryDirectory()})`,
      );
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, ortOptions(provider, resolved));
      const fallbackReason = failures.length > 0 ? failures.join("; ") : undefined;
      return wrap(session, provider, fallbackReason);
    } catch (error) {
      if (provider === "cpu") throw loadError(modelPath, error);
      failures.push(`${provider}: ${firstLine(error)}`);
    }
  }
  const requested = resolved.executionProvider;
  const reason = failures.join("; ");
  if (requested === "auto") {
    // Unreachable: "auto" ends with CPU, whose failure was thrown above.
    throw new HybridRagError(
      "internal",
      `No execution provider could load ${modelPath}: ${reason}`,
    );
  }
  if (resolved.onProviderUnavailable === "fail") {
    throw new HybridRagError(
      "unavailable",
      `Execution provider "${requested}" was requested but could not load (${reason}). Install ` +
        `the GPU runtime (for CUDA: run onnxruntime-node's install script with ` +
        `ONNXRUNTIME_NODE_INSTALL_CUDA=v12 and have CUDA 12 + cuDNN 9 on the library path), ` +
        `choose executionProvider "cpu", or set onProviderUnavailable: "warn" to fall back to CPU.`,
      { isRetryable: false, details: { requested, reason } },
    );
  }
  const fallbackReason = `${requested} could not load (${reason})`;
  console.warn(
    `[hybrid-rag] WARNING: execution provider "${requested}" unavailable for ${modelPath}; ` +
      `running on CPU instead (onProviderUnavailable: "warn"). ${fallbackReason}`,
  );
  try {
    const session = await ort.InferenceSession.create(modelPath, ortOptions("cpu", resolved));
    return wrap(session, "cpu", fallbackReason);
  } catch (error) {
    throw loadError(modelPath, error);
  }
}

function ortOptions(
  provider: ExecutionProvider,
  options: ResolvedSessionOptions,
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
  };
}

function wrap(
  session: ort.InferenceSession,
  provider: ExecutionProvider,
  fallbackReason: string | undefined,
): OnnxSession {
  return {
    session,
    provider,
    fallbackReason,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    release: () => session.release(),
  };
}

function loadError(modelPath: string, error: unknown): HybridRagError {
  return new HybridRagError(
    "corrupt-data",
    `onnxruntime could not load the model ${modelPath}: ${firstLine(error)}. Check that the file ` +
      `is a complete ONNX model (re-download it) and that its opset is supported by onnxruntime 1.30.`,
    { cause: error },
  );
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.slice(0, 300);
}

import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import {
  abortError,
  errorCodeForHttpStatus,
  isRetryableHttpStatus,
} from "@hybrid-rag/core/internal";

/**
 * Turns what `@qdrant/js-client-rest` throws into a HybridRagError. HTTP errors (`ApiError`)
 * keep their status and Qdrant's `status.error` text; fetch failures (connection refused or
 * reset) are `unavailable`; the client's own timeout is `timeout`. Checked by name, since the
 * client ships CommonJS and ESM builds with distinct classes.
 */
export function toQdrantError(error: unknown, what: string, signal?: AbortSignal): HybridRagError {
  if (HybridRagError.isInstance(error)) return error;
  if (signal?.aborted) return abortError(signal, what);
  const name = error instanceof Error ? error.name : "";
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number") {
    const data = (error as { data?: { status?: { error?: unknown } } }).data;
    const reason =
      typeof data?.status?.error === "string" ? data.status.error : (error as Error).message;
    return new HybridRagError(
      errorCodeForHttpStatus(status),
      `${what}: Qdrant answered ${status} (${reason}).`,
      {
        cause: error,
        statusCode: status,
        isRetryable: isRetryableHttpStatus(status),
      },
    );
  }
  if (name === "QdrantClientResourceExhaustedError") {
    return new HybridRagError(
      "rate-limited",
      `${what}: Qdrant is rate limiting (${(error as Error).message}).`,
      {
        cause: error,
        statusCode: 429,
      },
    );
  }
  if (name === "QdrantClientTimeoutError") {
    return new HybridRagError(
      "timeout",
      `${what}: Qdrant did not answer in time; raise timeoutMs or check its load.`,
      {
        cause: error,
      },
    );
  }
  if (name === "QdrantClientUnexpectedResponseError") {
    return new HybridRagError("internal", `${what}: ${(error as Error).message}`, { cause: error });
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new HybridRagError(
      "unavailable",
      `${what}: cannot reach Qdrant (${cause?.code ?? cause?.message ?? error.message}). Is it running (docker compose up -d)?`,
      { cause: error },
    );
  }
  return toHybridRagError(error, what);
}

/** Rejects as soon as the signal fires; the client's calls take no AbortSignal of ours. */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, what));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Runs one client call, abortable by the signal, and maps what it throws to a HybridRagError. */
export async function callQdrant<T>(
  operation: () => Promise<T>,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await abortable(operation(), signal, what);
  } catch (error) {
    throw toQdrantError(error, what, signal);
  }
}

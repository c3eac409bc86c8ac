import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import {
  abortError,
  errorCodeForHttpStatus,
  isRetryableHttpStatus,
} from "@hybrid-rag/core/internal";

// Checked by name, not instanceof: @elastic/elasticsearch ships separate CommonJS and ESM
// builds, and an error class from one is not an instance of the other's.
function clientErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Turns an `@elastic/elasticsearch` error into a HybridRagError: response errors keep their
 * HTTP status and Elasticsearch's reason, connection problems are `unavailable`, client-side
 * timeouts `timeout`, aborts `aborted` (or `timeout` for AbortSignal.timeout).
 */
export function toElasticsearchError(
  error: unknown,
  what: string,
  signal?: AbortSignal,
): HybridRagError {
  if (HybridRagError.isInstance(error)) return error;
  if (signal?.aborted) return abortError(signal, what);
  const name = clientErrorName(error);
  if (name === "ResponseError") {
    const response = error as Error & { statusCode?: number; body?: unknown };
    const status = response.statusCode ?? 500;
    return new HybridRagError(
      errorCodeForHttpStatus(status),
      `${what}: Elasticsearch answered ${status} (${reasonOf(response.body) ?? response.message}).`,
      { cause: error, statusCode: status, isRetryable: isRetryableHttpStatus(status) },
    );
  }
  if (name === "RequestAbortedError") {
    return new HybridRagError("aborted", `${what} was aborted.`, { cause: error });
  }
  if (name === "TimeoutError") {
    return new HybridRagError(
      "timeout",
      `${what}: Elasticsearch did not answer in time (${(error as Error).message}); raise requestTimeoutMs or check the cluster's load.`,
      { cause: error },
    );
  }
  if (name === "ConnectionError" || name === "NoLivingConnectionsError") {
    return new HybridRagError(
      "unavailable",
      `${what}: cannot reach Elasticsearch (${(error as Error).message}). Is it running (docker compose up -d)?`,
      { cause: error },
    );
  }
  return toHybridRagError(error, what);
}

/** Elasticsearch's own explanation from an error body (`error.reason` or `error.root_cause`). */
export function reasonOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return typeof body === "string" ? body : undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) {
    const { type, reason } = error as { type?: unknown; reason?: unknown };
    if (typeof reason === "string") return typeof type === "string" ? `${type}: ${reason}` : reason;
  }
  return undefined;
}

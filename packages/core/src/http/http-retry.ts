import type { z } from "zod";
import { abortError } from "../abort.ts";
import { parseRetryAfter, sleepBeforeRetry } from "../backoff.ts";
import {
  errorCodeForHttpStatus,
  HybridRagError,
  isRetryableHttpStatus,
  toHybridRagError,
} from "../errors.ts";
import { parseWithSchema } from "../schemas.ts";

/** How a remote call is retried: how many retries, and the bounds of the backoff between them. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  readonly maxRetries?: number;
  /** Backoff ceiling of the first retry; doubles per retry, full jitter (default 250 ms). */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts, Retry-After included (default 10 s). */
  readonly maxDelayMs?: number;
}

export interface HttpRequest {
  readonly url: string;
  readonly method?: "GET" | "POST";
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** What the call does, for error messages ("NIM ranking request"). */
  readonly what: string;
  readonly retry?: RetryPolicy;
  /** Per-attempt timeout (default 120 s, NIM's own request timeout). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
  /** Turns an error response body into a readable message (APIs differ in error shapes). */
  readonly describeError?: (body: unknown) => string | undefined;
}

/**
 * fetch with retries: 408, 409, 429 and 5xx responses and network failures are retried with
 * exponential backoff and jitter, honouring Retry-After; each attempt has its own timeout.
 * Anything else that is not 2xx becomes a HybridRagError whose code follows the HTTP status.
 */
export async function fetchWithRetry(request: HttpRequest): Promise<Response> {
  const maxRetries = request.retry?.maxRetries ?? 3;
  let lastError: HybridRagError | undefined;
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    if (request.signal?.aborted) throw abortError(request.signal, request.what);
    let retryAfterMs: number | undefined;
    try {
      const response = await fetchOnce(request);
      if (response.ok) return response;
      const error = await responseError(request, response);
      if (!isRetryableHttpStatus(response.status)) throw error;
      lastError = error;
      retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    } catch (error) {
      if (request.signal?.aborted) throw abortError(request.signal, request.what);
      const converted = toHybridRagError(error, request.what);
      if (!converted.isRetryable) throw converted;
      lastError = converted;
    }
    if (attempt < maxRetries) {
      await sleepBeforeRetry(
        attempt + 1,
        request.retry?.initialDelayMs ?? 250,
        request.retry?.maxDelayMs ?? 10_000,
        request.signal,
        request.what,
        retryAfterMs,
      );
    }
  }
  throw new HybridRagError(
    lastError!.code,
    `${lastError!.message} (gave up after ${maxRetries + 1} attempts)`,
    {
      cause: lastError,
      isRetryable: lastError!.isRetryable,
      ...(lastError!.statusCode === undefined ? {} : { statusCode: lastError!.statusCode }),
    },
  );
}

/** POSTs (or GETs) JSON with retries and validates the response body against `schema`. */
export async function requestJson<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
): Promise<z.output<S>> {
  const response = await fetchWithRetry(request);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${request.what}: ${request.url} answered ${response.status} with a body that is not JSON.`,
      { cause: error, statusCode: response.status },
    );
  }
  try {
    return parseWithSchema(schema, body, `${request.what} response from ${request.url}`);
  } catch (error) {
    throw new HybridRagError("corrupt-data", (error as Error).message, {
      cause: error,
      statusCode: response.status,
    });
  }
}

async function fetchOnce(request: HttpRequest): Promise<Response> {
  const timeoutMs = request.timeoutMs ?? 120_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    return await fetch(request.url, {
      method: request.method ?? (request.body === undefined ? "GET" : "POST"),
      headers: {
        ...(request.body === undefined ? {} : { "content-type": "application/json" }),
        accept: "application/json",
        ...request.headers,
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal,
    });
  } catch (error) {
    if (timeout.aborted && !request.signal?.aborted) {
      throw new HybridRagError(
        "timeout",
        `${request.what}: ${request.url} did not answer within ${timeoutMs} ms; raise timeoutMs if the server is busy.`,
        { cause: error },
      );
    }
    if (request.signal?.aborted) throw abortError(request.signal, request.what);
    throw new HybridRagError(
      "unavailable",
      `${request.what}: could not reach ${request.url} (${describeNetworkError(error)}).`,
      { cause: error },
    );
  }
}

async function responseError(request: HttpRequest, response: Response): Promise<HybridRagError> {
  const text = await response.text().catch(() => "");
  let detail = text.slice(0, 500);
  try {
    const described = request.describeError?.(JSON.parse(text));
    if (described) detail = described;
  } catch {
    // Not JSON: keep the raw text.
  }
  return new HybridRagError(
    errorCodeForHttpStatus(response.status),
    `${request.what}: ${request.url} answered ${response.status} ${response.statusText}${detail ? `: ${detail}` : ""}`,
    { statusCode: response.status, isRetryable: isRetryableHttpStatus(response.status) },
  );
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

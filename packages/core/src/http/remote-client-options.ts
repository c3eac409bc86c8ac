import { z } from "zod";
import { maxTimeoutMs, timeoutMsSchema } from "../timeout-ms.ts";
import type { HttpRequest } from "./http-retry.ts";

/** Options every client of a remote model server (rerankers, embedders) takes. */
export const remoteClientOptionsSchema = z.strictObject({
  /** Server root, e.g. http://localhost:8000 (API paths such as /v1/ranking are appended). */
  baseUrl: z.url({ error: "baseUrl must be an absolute http(s) URL" }),
  name: z.string().min(1).optional(),
  /** Sent as `Authorization: Bearer …`. */
  apiKey: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /**
   * Per-request timeout (default 120 s, NIM's own limit); at most 2^31 − 1 ms, what a timer
   * holds (larger values would fire at once), as the pipeline's timeouts.
   */
  timeoutMs: timeoutMsSchema("timeoutMs").default(120_000),
  retry: z
    .strictObject({
      maxRetries: z.number().int().min(0).optional(),
      // Backoff delays are timers too.
      initialDelayMs: z.number().min(0).max(maxTimeoutMs).optional(),
      maxDelayMs: z.number().min(0).max(maxTimeoutMs).optional(),
    })
    .optional(),
  /** Requests in flight at once when a call is split into several. */
  concurrency: z.number().int().min(1).default(2),
});

/** The options every client of a remote model server takes (base URL, key, headers, timeout, retry, concurrency). */
export type RemoteClientOptions = z.input<typeof remoteClientOptionsSchema>;
export type ResolvedRemoteClientOptions = z.output<typeof remoteClientOptionsSchema>;

/** Builds the HttpRequest for a POST of `body` to `path` under the client's options. */
export function remotePost(
  options: ResolvedRemoteClientOptions,
  path: string,
  body: unknown,
  context: {
    readonly what: string;
    readonly describeError: (body: unknown) => string | undefined;
    readonly signal: AbortSignal | undefined;
  },
): HttpRequest {
  return {
    url: `${options.baseUrl.replace(/\/+$/, "")}${path}`,
    body,
    headers: {
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      ...options.headers,
    },
    what: context.what,
    timeoutMs: options.timeoutMs,
    describeError: context.describeError,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  };
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Error bodies of the servers we talk to: `{message}` (NIM 2.x, Cohere, OpenAI), `{detail}`, `{error, error_type}` (TEI), `{error: {message}}` (OpenAI). */
export function describeErrorBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as {
    message?: unknown;
    detail?: unknown;
    error?: unknown;
    error_type?: unknown;
  };
  if (typeof record.error === "object" && record.error !== null && "message" in record.error) {
    return String((record.error as { message: unknown }).message);
  }
  const value = record.message ?? record.detail ?? record.error;
  if (value === undefined) return undefined;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return record.error_type ? `${text} (${String(record.error_type)})` : text;
}

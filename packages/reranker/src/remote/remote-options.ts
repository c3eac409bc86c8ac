import { z } from "zod";

/** Options every remote reranker takes. */
export const remoteRerankerOptionsSchema = z.strictObject({
  /** Server root, e.g. http://localhost:8000 (paths such as /v1/ranking are appended). */
  baseUrl: z.url({ error: "baseUrl must be an absolute http(s) URL" }),
  name: z.string().min(1).optional(),
  /** Sent as `Authorization: Bearer …`. */
  apiKey: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Per-request timeout (default 120 s, NIM's own limit). */
  timeoutMs: z.number().int().positive().default(120_000),
  retry: z
    .strictObject({
      maxRetries: z.number().int().min(0).optional(),
      initialDelayMs: z.number().min(0).optional(),
      maxDelayMs: z.number().min(0).optional(),
    })
    .optional(),
  /** Split larger candidate lists into requests of at most this many passages. */
  maxPassagesPerRequest: z.number().int().min(1).optional(),
  /** Requests in flight at once when a list is split. */
  concurrency: z.number().int().min(1).default(2),
});

export type RemoteRerankerOptions = z.input<typeof remoteRerankerOptionsSchema>;
export type ResolvedRemoteOptions = z.output<typeof remoteRerankerOptionsSchema>;

/** Authorization and custom headers for a request. */
export function requestHeaders(options: ResolvedRemoteOptions): Record<string, string> {
  return {
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...options.headers,
  };
}

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${path}`;
}

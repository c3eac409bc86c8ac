import { z } from "zod";

/** The limits and timeouts of `createSearchServer`; every one has a default. */
export const searchServerSettingsSchema = z.strictObject({
  /** Default 127.0.0.1: loopback only. Another address needs `apiKey`. */
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(8080),
  /**
   * Serve a non-loopback host without a key: only where something else guards the port (a
   * container whose port is published on 127.0.0.1, as the compose stack does).
   */
  allowUnauthenticatedHost: z.boolean().default(false),
  /** When set (16+ characters), every /v1 route but health and metrics needs `Authorization: Bearer`. */
  apiKey: z.string().min(16, "the API key must be at least 16 characters").optional(),
  /** POST /v1/documents exists only when true, and only with an `apiKey`. */
  ingest: z.boolean().default(false),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  maxIngestBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  maxIngestDocuments: z.number().int().min(1).default(1000),
  maxQueryChars: z.number().int().min(1).default(2000),
  maxTopK: z.number().int().min(1).max(10_000).default(100),
  maxCandidates: z.number().int().min(1).max(10_000).default(1000),
  /** Searches running at once; more wait in a queue of `maxQueuedSearches`, beyond it: 503. */
  maxConcurrentSearches: z.number().int().min(1).default(4),
  maxQueuedSearches: z.number().int().min(0).default(64),
  /** A search (queue wait included) longer than this is cancelled: 504. */
  requestTimeoutMs: z.number().int().min(1).default(30_000),
  /** Time to send the whole body, and the headers. */
  bodyTimeoutMs: z.number().int().min(50).default(30_000),
  headersTimeoutMs: z.number().int().min(50).default(10_000),
  keepAliveTimeoutMs: z.number().int().min(1).default(5_000),
  maxConnections: z.number().int().min(1).default(1024),
  /** `close()` lets requests in flight finish for at most this long, then cuts them. */
  shutdownTimeoutMs: z.number().int().min(0).default(10_000),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type SearchServerSettings = z.input<typeof searchServerSettingsSchema>;
export type ResolvedSearchServerSettings = z.output<typeof searchServerSettingsSchema>;

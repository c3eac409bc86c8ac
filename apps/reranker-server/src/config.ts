import { basename, resolve } from "node:path";
import { parseWithSchema } from "@hybrid-rag/core";
import { type ExecutionProviderChoice, executionProviders } from "@hybrid-rag/models";
import { z } from "zod";

/** A whole number in `[min, max]`; every message names the variable and the allowed range. */
const integerInRange = (name: string, min: number, max: number, why: string) =>
  z.coerce
    .number({ error: `${name} must be a number from ${min} to ${max}` })
    .int(`${name} must be a whole number from ${min} to ${max}`)
    .min(min, `${name} must be from ${min} to ${max}`)
    .max(max, `${name} must be from ${min} to ${max} (${why})`);

/**
 * Upper bounds of the size settings. Each keeps the worst case a client can cause within a
 * process's memory: a pair's encoding is up to 512 tokens × 3 tensors × 8 bytes (12 KB), so
 * 10,000 passages are 120 MB of encodings and 100,000 admitted pairs 1.2 GB.
 */
export const settingBounds = {
  maxPassages: 10_000,
  maxQueuedRequests: 65_536,
  maxQueuedPairs: 100_000,
  maxBatchTokens: 1_048_576,
  maxBatchPairs: 4096,
  maxConnections: 65_536,
  // V8 strings hold at most 2^29 − 24 characters; the body is read as one string.
  maxBodyBytes: 256 * 1024 * 1024,
  // The body's images come on top of RERANKER_MAX_BODY_BYTES, as base64 (4/3 of the bytes):
  // 256 MiB + 4/3 × 128 MiB stays under the string limit.
  maxRequestImageBytes: 128 * 1024 * 1024,
  maxImagePixels: 400_000_000,
} as const;

/** The longest delay `setTimeout` can hold (2^31 − 1 ms, about 24.8 days); longer ones fire after 1 ms. */
export const maxTimerMs = 2 ** 31 - 1;

const durationMs = (name: string, defaultMs: number) =>
  integerInRange(name, 1, maxTimerMs, "what a Node.js timer can hold, in ms").default(defaultMs);

const environmentSchema = z.object({
  NIM_MODEL_PATH: z
    .string({
      error: "NIM_MODEL_PATH is required: the path of a Hugging Face-style model directory",
    })
    .min(1, "NIM_MODEL_PATH must not be empty"),
  NIM_SERVED_MODEL_NAME: z.string().min(1).optional(),
  NIM_HTTP_API_PORT: z.coerce
    .number({ error: "NIM_HTTP_API_PORT must be a number" })
    .int()
    .min(0, "NIM_HTTP_API_PORT must be 0..65535")
    .max(65_535, "NIM_HTTP_API_PORT must be 0..65535")
    .default(8000),
  RERANKER_HOST: z.string().min(1).default("0.0.0.0"),
  RERANKER_EXECUTION_PROVIDER: z.enum(executionProviders).default("auto"),
  RERANKER_API_KEY: z.string().min(1, "RERANKER_API_KEY must not be empty when set").optional(),
  RERANKER_MAX_PASSAGES: integerInRange(
    "RERANKER_MAX_PASSAGES",
    1,
    settingBounds.maxPassages,
    "each passage's encoding takes up to 12 KB of memory",
  ).default(512),
  RERANKER_MAX_QUEUED_REQUESTS: integerInRange(
    "RERANKER_MAX_QUEUED_REQUESTS",
    1,
    settingBounds.maxQueuedRequests,
    "each holds its body and encodings in memory",
  ).default(1024),
  RERANKER_MAX_QUEUED_PAIRS: integerInRange(
    "RERANKER_MAX_QUEUED_PAIRS",
    1,
    settingBounds.maxQueuedPairs,
    "each pair's encoding takes up to 12 KB of memory",
  ).default(8192),
  RERANKER_MAX_BATCH_TOKENS: integerInRange(
    "RERANKER_MAX_BATCH_TOKENS",
    1,
    settingBounds.maxBatchTokens,
    "a model run's activations grow with it",
  ).default(16_384),
  RERANKER_MAX_BATCH_PAIRS: integerInRange(
    "RERANKER_MAX_BATCH_PAIRS",
    1,
    settingBounds.maxBatchPairs,
    "a model run's activations grow with it",
  ).default(64),
  RERANKER_MAX_WAIT_MS: z.coerce
    .number({ error: "RERANKER_MAX_WAIT_MS must be a number from 0 to 1000" })
    .min(0, "RERANKER_MAX_WAIT_MS must be from 0 to 1000")
    .max(1000, "RERANKER_MAX_WAIT_MS must be from 0 to 1000 (it delays every request)")
    .default(2),
  RERANKER_REQUEST_TIMEOUT_MS: durationMs("RERANKER_REQUEST_TIMEOUT_MS", 120_000),
  RERANKER_BODY_TIMEOUT_MS: durationMs("RERANKER_BODY_TIMEOUT_MS", 30_000),
  RERANKER_HEADERS_TIMEOUT_MS: durationMs("RERANKER_HEADERS_TIMEOUT_MS", 10_000),
  RERANKER_KEEP_ALIVE_TIMEOUT_MS: durationMs("RERANKER_KEEP_ALIVE_TIMEOUT_MS", 5_000),
  RERANKER_SHUTDOWN_TIMEOUT_MS: durationMs("RERANKER_SHUTDOWN_TIMEOUT_MS", 25_000),
  RERANKER_MAX_CONNECTIONS: integerInRange(
    "RERANKER_MAX_CONNECTIONS",
    1,
    settingBounds.maxConnections,
    "each holds a file descriptor and buffers",
  ).default(1024),
  RERANKER_MAX_CONNECTIONS_PER_CLIENT: integerInRange(
    "RERANKER_MAX_CONNECTIONS_PER_CLIENT",
    1,
    settingBounds.maxConnections,
    "at most RERANKER_MAX_CONNECTIONS's bound",
  ).default(64),
  RERANKER_WORKERS: integerInRange(
    "RERANKER_WORKERS",
    0,
    64,
    "each holds its own ONNX session; 0: in-process, health checks wait for batches",
  ).default(1),
  RERANKER_MAX_BODY_BYTES: integerInRange(
    "RERANKER_MAX_BODY_BYTES",
    1,
    settingBounds.maxBodyBytes,
    "the body is read as one string",
  ).default(16 * 1024 * 1024),
  RERANKER_MAX_IMAGE_BYTES: integerInRange(
    "RERANKER_MAX_IMAGE_BYTES",
    1,
    settingBounds.maxRequestImageBytes,
    "at most RERANKER_MAX_REQUEST_IMAGE_BYTES's bound",
  ).default(8 * 1024 * 1024),
  RERANKER_MAX_REQUEST_IMAGE_BYTES: integerInRange(
    "RERANKER_MAX_REQUEST_IMAGE_BYTES",
    1,
    settingBounds.maxRequestImageBytes,
    "the body, images as base64 included, is read as one string",
  ).default(64 * 1024 * 1024),
  RERANKER_MAX_IMAGE_PIXELS: integerInRange(
    "RERANKER_MAX_IMAGE_PIXELS",
    1,
    settingBounds.maxImagePixels,
    "a decoded image takes 4 bytes per pixel",
  ).default(7680 * 4320),
  RERANKER_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
});

/** Everything the server needs to run, validated. */
export interface ServerConfig {
  /**
   * Worker threads running the model and tokeniser (each with its own ONNX session); 0 runs
   * them on the HTTP thread, which then answers nothing (health checks included) during a batch.
   */
  readonly workers: number;
  /** Directory of the Hugging Face-style cross-encoder (config.json, tokenizer.json, onnx/). */
  readonly modelPath: string;
  /** The id clients send as `model` and `/v1/models` lists. */
  readonly modelId: string;
  /** "auto" tries CUDA, then the CPU; an explicit GPU provider never falls back silently. */
  readonly executionProvider: ExecutionProviderChoice;
  readonly host: string;
  readonly port: number;
  readonly apiKey: string | undefined;
  readonly maxPassagesPerRequest: number;
  readonly maxQueuedRequests: number;
  /** Pairs admitted (waiting or being scored) at most, across requests. */
  readonly maxQueuedPairs: number;
  readonly maxBatchTokens: number;
  readonly maxBatchPairs: number;
  readonly maxWaitMs: number;
  readonly requestTimeoutMs: number;
  /** Whole request (headers and body) must arrive within this; stalled uploads are closed. */
  readonly bodyTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** `close()` ends within this: connections still open then are cut, their work dropped. */
  readonly shutdownTimeoutMs: number;
  /** Open connections at most; more are refused at accept. */
  readonly maxConnections: number;
  /**
   * Open connections from one client address at most (more are closed at accept), so one
   * client's stalled uploads cannot take every connection, health checks' included.
   */
  readonly maxConnectionsPerClient: number;
  /** Body bytes at most, images aside (they have their own budget, below). */
  readonly maxBodyBytes: number;
  /** Decoded bytes of one passage image at most (checked on its base64 length while it arrives). */
  readonly maxImageBytes: number;
  /** Decoded bytes of all the images of one request at most (on top of `maxBodyBytes`). */
  readonly maxRequestImageBytes: number;
  /** Pixels (width × height, read from the image header) of one image at most. */
  readonly maxImagePixels: number;
  readonly logLevel: string;
}

/** Reads the configuration from environment variables; throws `invalid-argument` naming each bad one. */
export function configFromEnvironment(environment: NodeJS.ProcessEnv = process.env): ServerConfig {
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ""),
  );
  const values = parseWithSchema(environmentSchema, present, "reranker-server environment");
  const modelPath = resolve(values.NIM_MODEL_PATH);
  return {
    modelPath,
    modelId: values.NIM_SERVED_MODEL_NAME ?? basename(modelPath),
    executionProvider: values.RERANKER_EXECUTION_PROVIDER,
    host: values.RERANKER_HOST,
    port: values.NIM_HTTP_API_PORT,
    apiKey: values.RERANKER_API_KEY,
    maxPassagesPerRequest: values.RERANKER_MAX_PASSAGES,
    maxQueuedRequests: values.RERANKER_MAX_QUEUED_REQUESTS,
    maxQueuedPairs: values.RERANKER_MAX_QUEUED_PAIRS,
    maxBatchTokens: values.RERANKER_MAX_BATCH_TOKENS,
    maxBatchPairs: values.RERANKER_MAX_BATCH_PAIRS,
    maxWaitMs: values.RERANKER_MAX_WAIT_MS,
    requestTimeoutMs: values.RERANKER_REQUEST_TIMEOUT_MS,
    bodyTimeoutMs: values.RERANKER_BODY_TIMEOUT_MS,
    headersTimeoutMs: Math.min(values.RERANKER_HEADERS_TIMEOUT_MS, values.RERANKER_BODY_TIMEOUT_MS),
    keepAliveTimeoutMs: values.RERANKER_KEEP_ALIVE_TIMEOUT_MS,
    shutdownTimeoutMs: values.RERANKER_SHUTDOWN_TIMEOUT_MS,
    maxConnections: values.RERANKER_MAX_CONNECTIONS,
    maxConnectionsPerClient: Math.min(
      values.RERANKER_MAX_CONNECTIONS_PER_CLIENT,
      values.RERANKER_MAX_CONNECTIONS,
    ),
    workers: values.RERANKER_WORKERS,
    maxBodyBytes: values.RERANKER_MAX_BODY_BYTES,
    maxImageBytes: Math.min(
      values.RERANKER_MAX_IMAGE_BYTES,
      values.RERANKER_MAX_REQUEST_IMAGE_BYTES,
    ),
    maxRequestImageBytes: values.RERANKER_MAX_REQUEST_IMAGE_BYTES,
    maxImagePixels: values.RERANKER_MAX_IMAGE_PIXELS,
    logLevel: values.RERANKER_LOG_LEVEL,
  };
}

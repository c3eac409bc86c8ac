import { basename, resolve } from "node:path";
import { parseWithSchema } from "@hybrid-rag/core";
import { type ExecutionProviderChoice, executionProviders } from "@hybrid-rag/models";
import { z } from "zod";

const positiveInteger = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`);

/** The longest delay `setTimeout` can hold (2^31 − 1 ms, about 24.8 days); longer ones fire after 1 ms. */
export const maxTimerMs = 2 ** 31 - 1;

const durationMs = (name: string, defaultMs: number) =>
  positiveInteger(name)
    .max(maxTimerMs, `${name} must be at most ${maxTimerMs} ms (what a Node.js timer can hold)`)
    .default(defaultMs);

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
  RERANKER_MAX_PASSAGES: positiveInteger("RERANKER_MAX_PASSAGES").default(512),
  RERANKER_MAX_QUEUED_REQUESTS: positiveInteger("RERANKER_MAX_QUEUED_REQUESTS").default(1024),
  RERANKER_MAX_QUEUED_PAIRS: positiveInteger("RERANKER_MAX_QUEUED_PAIRS").default(8192),
  RERANKER_MAX_BATCH_TOKENS: positiveInteger("RERANKER_MAX_BATCH_TOKENS").default(16_384),
  RERANKER_MAX_BATCH_PAIRS: positiveInteger("RERANKER_MAX_BATCH_PAIRS").default(64),
  RERANKER_MAX_WAIT_MS: z.coerce
    .number({ error: "RERANKER_MAX_WAIT_MS must be a number" })
    .min(0, "RERANKER_MAX_WAIT_MS must be ≥ 0")
    .max(1000, "RERANKER_MAX_WAIT_MS must be ≤ 1000 (it delays every request)")
    .default(2),
  RERANKER_REQUEST_TIMEOUT_MS: durationMs("RERANKER_REQUEST_TIMEOUT_MS", 120_000),
  RERANKER_BODY_TIMEOUT_MS: durationMs("RERANKER_BODY_TIMEOUT_MS", 30_000),
  RERANKER_HEADERS_TIMEOUT_MS: durationMs("RERANKER_HEADERS_TIMEOUT_MS", 10_000),
  RERANKER_KEEP_ALIVE_TIMEOUT_MS: durationMs("RERANKER_KEEP_ALIVE_TIMEOUT_MS", 5_000),
  RERANKER_SHUTDOWN_TIMEOUT_MS: durationMs("RERANKER_SHUTDOWN_TIMEOUT_MS", 25_000),
  RERANKER_MAX_CONNECTIONS: positiveInteger("RERANKER_MAX_CONNECTIONS").default(1024),
  RERANKER_WORKERS: z.coerce
    .number({ error: "RERANKER_WORKERS must be a number" })
    .int("RERANKER_WORKERS must be a whole number")
    .min(0, "RERANKER_WORKERS must be at least 0 (0: in-process, health checks wait for batches)")
    .max(64, "RERANKER_WORKERS must be at most 64")
    .default(1),
  RERANKER_MAX_BODY_BYTES: positiveInteger("RERANKER_MAX_BODY_BYTES").default(16 * 1024 * 1024),
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
  readonly maxBodyBytes: number;
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
    workers: values.RERANKER_WORKERS,
    maxBodyBytes: values.RERANKER_MAX_BODY_BYTES,
    logLevel: values.RERANKER_LOG_LEVEL,
  };
}

import { expectErrorCode } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { configFromEnvironment } from "./config.ts";

describe("configFromEnvironment", () => {
  it("applies NIM-like defaults and names the model after its folder", () => {
    const config = configFromEnvironment({ NIM_MODEL_PATH: "/models/ms-marco-MiniLM-L-6-v2" });
    expect(config).toMatchObject({
      modelPath: "/models/ms-marco-MiniLM-L-6-v2",
      modelId: "ms-marco-MiniLM-L-6-v2",
      port: 8000,
      executionProvider: "auto",
      apiKey: undefined,
      maxPassagesPerRequest: 512,
      maxQueuedRequests: 1024,
      requestTimeoutMs: 120_000,
    });
  });

  it("reads every limit, and treats empty variables as unset", () => {
    const config = configFromEnvironment({
      NIM_MODEL_PATH: "/m",
      NIM_SERVED_MODEL_NAME: "nvidia/llama-3.2-nv-rerankqa-1b-v2",
      NIM_HTTP_API_PORT: "9000",
      RERANKER_EXECUTION_PROVIDER: "cuda",
      RERANKER_API_KEY: "",
      RERANKER_MAX_PASSAGES: "100",
      RERANKER_MAX_QUEUED_REQUESTS: "8",
      RERANKER_MAX_BATCH_TOKENS: "4096",
      RERANKER_MAX_BATCH_PAIRS: "16",
      RERANKER_MAX_WAIT_MS: "0",
      RERANKER_REQUEST_TIMEOUT_MS: "5000",
    });
    expect(config).toMatchObject({
      modelId: "nvidia/llama-3.2-nv-rerankqa-1b-v2",
      port: 9000,
      executionProvider: "cuda",
      apiKey: undefined,
      maxPassagesPerRequest: 100,
      maxQueuedRequests: 8,
      maxBatchTokens: 4096,
      maxBatchPairs: 16,
      maxWaitMs: 0,
      requestTimeoutMs: 5000,
    });
  });

  it("reads the image limits, with their defaults, caps one image at the request's images, and refuses values past their bounds", () => {
    expect(configFromEnvironment({ NIM_MODEL_PATH: "/m" })).toMatchObject({
      maxImageBytes: 8 * 1024 * 1024,
      maxRequestImageBytes: 64 * 1024 * 1024,
      maxImagePixels: 7680 * 4320,
    });
    expect(
      configFromEnvironment({
        NIM_MODEL_PATH: "/m",
        RERANKER_MAX_IMAGE_BYTES: "5000000",
        RERANKER_MAX_REQUEST_IMAGE_BYTES: "1000000",
        RERANKER_MAX_IMAGE_PIXELS: "1000",
      }),
    ).toMatchObject({
      maxImageBytes: 1_000_000,
      maxRequestImageBytes: 1_000_000,
      maxImagePixels: 1000,
    });
    expect(() =>
      configFromEnvironment({
        NIM_MODEL_PATH: "/m",
        RERANKER_MAX_REQUEST_IMAGE_BYTES: String(2 ** 28),
      }),
    ).toThrow(
      /RERANKER_MAX_REQUEST_IMAGE_BYTES must be from 1 to 134217728 \(the body, images as base64 included, is read as one string\)/,
    );
    expect(() =>
      configFromEnvironment({ NIM_MODEL_PATH: "/m", RERANKER_MAX_IMAGE_PIXELS: "0" }),
    ).toThrow(/RERANKER_MAX_IMAGE_PIXELS must be from 1 to 400000000/);
  });

  it("bounds connections and time by default, and caps the headers timeout at the body timeout", () => {
    expect(configFromEnvironment({ NIM_MODEL_PATH: "/m" })).toMatchObject({
      workers: 1,
      maxQueuedPairs: 8192,
      bodyTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      shutdownTimeoutMs: 25_000,
      maxConnections: 1024,
    });
    const config = configFromEnvironment({
      NIM_MODEL_PATH: "/m",
      RERANKER_BODY_TIMEOUT_MS: "2000",
      RERANKER_WORKERS: "0",
    });
    expect(config).toMatchObject({ bodyTimeoutMs: 2000, headersTimeoutMs: 2000, workers: 0 });
    expect(() => configFromEnvironment({ NIM_MODEL_PATH: "/m", RERANKER_WORKERS: "-1" })).toThrow(
      /RERANKER_WORKERS/,
    );
  });

  it("refuses a missing model path and bad numbers, naming each variable", () => {
    expect(() => configFromEnvironment({})).toThrow(/NIM_MODEL_PATH/);
    expect(() =>
      configFromEnvironment({
        NIM_MODEL_PATH: "/m",
        RERANKER_MAX_QUEUED_REQUESTS: "lots",
        RERANKER_EXECUTION_PROVIDER: "tpu",
      }),
    ).toThrow(
      /RERANKER_MAX_QUEUED_REQUESTS.*RERANKER_EXECUTION_PROVIDER|RERANKER_EXECUTION_PROVIDER.*RERANKER_MAX_QUEUED_REQUESTS/,
    );
    return expectErrorCode(
      Promise.resolve().then(() =>
        configFromEnvironment({ NIM_MODEL_PATH: "/m", NIM_HTTP_API_PORT: "70000" }),
      ),
      "invalid-argument",
    );
  });
});

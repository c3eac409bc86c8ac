import { afterEach } from "vitest";
import type { PairScorer } from "../pair-scorer.ts";
import {
  createRerankerServer,
  type RerankerServer,
  type RerankerServerSettings,
} from "../server.ts";

export const testSettings: RerankerServerSettings = {
  modelId: "tiny-cross-encoder",
  host: "127.0.0.1",
  port: 0,
  apiKey: undefined,
  maxPassagesPerRequest: 512,
  maxQueuedRequests: 1024,
  maxQueuedPairs: 8192,
  maxBatchTokens: 16_384,
  maxBatchPairs: 64,
  maxWaitMs: 1,
  requestTimeoutMs: 120_000,
  bodyTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  shutdownTimeoutMs: 10_000,
  maxConnections: 1024,
  maxConnectionsPerClient: 1024,
  maxBodyBytes: 1024 * 1024,
  maxImageBytes: 256 * 1024,
  maxRequestImageBytes: 2 * 1024 * 1024,
  maxImagePixels: 1_000_000,
  logLevel: "silent",
};

export interface TestServer {
  readonly server: RerankerServer;
  readonly url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** Starts a reranker server on a free loopback port; waits for the model unless told not to. */
export async function startTestServer(
  loadScorer: () => Promise<PairScorer>,
  overrides: Partial<RerankerServerSettings> = {},
  { waitForModel = true } = {},
): Promise<TestServer> {
  const server = createRerankerServer({ settings: { ...testSettings, ...overrides }, loadScorer });
  const url = await server.listen();
  if (waitForModel) await server.modelLoaded;
  return {
    server,
    url,
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
  };
}

/** `startTestServer` for a test file: every server it starts is closed after each test. */
export function closingAfterEachTest(): typeof startTestServer {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((entry) => entry.server.close()));
  });
  return async (...args) => {
    const started = await startTestServer(...args);
    servers.push(started);
    return started;
  };
}

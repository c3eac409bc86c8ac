import { createServer } from "node:http";
import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import { closeWithDeadline, parseJsonWithLimits } from "@hybrid-rag/core/internal";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { createApiKeyCheck } from "./api-key.ts";
import { tooLongArrayError } from "./array-limit-error.ts";
import { limitConnectionsPerClient } from "./client-connections.ts";
import { answerClientError } from "./client-errors.ts";
import { trackClientDisconnects } from "./client-gone.ts";
import { maxTimerMs, type ServerConfig } from "./config.ts";
import { clientError, httpError } from "./http-errors.ts";
import { closeAfterAnswerWithoutReset } from "./lingering-close.ts";
import type { PairScorer } from "./pair-scorer.ts";
import { registerRankingRoutes } from "./ranking-routes.ts";
import { RankingService } from "./ranking-service.ts";
import { maxJsonDepth, protectedRoutes } from "./request-limits.ts";
import { ServerMetrics } from "./server-metrics.ts";
import { registerStatusRoutes } from "./status-routes.ts";

/** The settings `createRerankerServer` uses (a `ServerConfig` without where to find the model). */
export type RerankerServerSettings = Omit<
  ServerConfig,
  "modelPath" | "executionProvider" | "workers"
>;

export interface RerankerServerOptions {
  readonly settings: RerankerServerSettings;
  /** Loads the model; the server answers health checks while this runs and is ready after. */
  readonly loadScorer: () => Promise<PairScorer>;
  /** Extra facts for `/v1/metadata` (model path, …); the device comes from the loaded scorer. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface RerankerServer {
  readonly app: FastifyInstance;
  /** Resolves once the model is loaded; rejects if loading failed. */
  readonly modelLoaded: Promise<void>;
  /** Starts listening; resolves with the base URL (`http://host:port`). */
  listen(): Promise<string>;
  /**
   * Stops accepting connections, closes idle ones and those still uploading their body at once,
   * lets the requests in flight finish, and cuts whatever is still open after
   * `shutdownTimeoutMs` (their work is dropped): it resolves within that deadline.
   */
  close(): Promise<void>;
}

/** Builds the HTTP server (Fastify, pino logs) around a cross-encoder loaded in the background. */
export function createRerankerServer(options: RerankerServerOptions): RerankerServer {
  const { settings } = options;
  const app = Fastify({
    bodyLimit: settings.maxBodyBytes,
    logger: { level: settings.logLevel },
    // Our own 503 while closing (below): Fastify's has neither the NIM shape nor Retry-After.
    return503OnClosing: false,
    forceCloseConnections: "idle",
    // 408 (a stalled upload), 400 and 431 from Node's parser, in the NIM error shape too.
    clientErrorHandler: answerClientError,
    // Node's own request timeouts, set here rather than by Fastify (whose requestTimeout: 0
    // default would let a stalled upload hold its connection, and shutdown, forever).
    serverFactory: (handler) => {
      // How often Node looks for requests past their timeouts (its default is 30 s); the
      // timeouts are shortened by it so a stalled upload is closed within the configured time.
      const checkEveryMs = Math.max(25, Math.min(1000, Math.floor(settings.bodyTimeoutMs / 20)));
      const server = createServer(
        {
          requestTimeout: Math.max(1, settings.bodyTimeoutMs - checkEveryMs),
          headersTimeout: Math.max(1, settings.headersTimeoutMs - checkEveryMs),
          keepAliveTimeout: settings.keepAliveTimeoutMs,
          connectionsCheckingInterval: checkEveryMs,
        },
        handler,
      );
      server.maxConnections = settings.maxConnections;
      limitConnectionsPerClient(server, settings.maxConnectionsPerClient);
      // A socket silent for longer than any request may take is dead.
      server.setTimeout(Math.min(maxTimerMs, settings.requestTimeoutMs + settings.bodyTimeoutMs));
      return server;
    },
  });
  let service: RankingService | undefined;
  let device: Readonly<Record<string, unknown>> | undefined;
  const metrics = new ServerMetrics(
    () => service?.pendingRequests ?? 0,
    () => service !== undefined,
  );

  // Only JSON bodies: Fastify's default text/plain parser would hand strings to the schemas
  // (422) where the answer is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      if (String(body).trim() === "")
        throw clientError(400, "The request body is empty: send a JSON object.");
      done(
        null,
        parseJsonWithLimits(String(body), {
          maxDepth: maxJsonDepth,
          what: "request body",
          // Counted in the same scan: millions of items are refused before they are built.
          maxArrayItems: settings.maxPassagesPerRequest,
        }),
      );
    } catch (error) {
      const failure = toHybridRagError(error);
      if (failure.details?.maxArrayItems !== undefined) {
        done(tooLongArrayError(String(body), failure, settings.maxPassagesPerRequest), undefined);
      } else done(clientError(400, failure.message), undefined);
    }
  });

  let closing = false;
  // New requests on connections still open during shutdown: 503, NIM shape, Retry-After.
  app.addHook("onRequest", async () => {
    if (closing) {
      throw new HybridRagError(
        "unavailable",
        "The server is shutting down: retry on another replica, or once it is back.",
      );
    }
  });
  trackClientDisconnects(app);

  // Uploads still arriving, so shutdown can close them at once instead of waiting for them.
  const receiving = new Set<FastifyRequest>();
  app.addHook("onRequest", async (request, reply) => {
    if (request.method === "POST") receiving.add(request);
    reply.raw.once("close", () => {
      receiving.delete(request);
      // A client that left before its answer gets no onResponse: count it here (nginx's 499).
      if (!reply.raw.writableFinished) {
        metrics.recordRequest(
          request.routeOptions.url ?? "unmatched",
          499,
          reply.elapsedTime / 1000,
        );
      }
    });
  });
  app.addHook("preValidation", async (request) => {
    receiving.delete(request);
  });

  // Answers finished during shutdown close their connection, so keep-alive clients do not hold
  // the server open until their idle timeout.
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (request, reply) => {
    // A body refused while it arrives (413) is not read to its end: the connection cannot carry
    // another request, and closing it stops the upload (lingering, so the client reads the 413).
    if (closing || reply.statusCode === 413) reply.header("connection", "close");
    const socket = request.raw.socket;
    if (reply.statusCode === 413 && socket) closeAfterAnswerWithoutReset(socket);
  });
  app.addHook("onResponse", async (request, reply) => {
    // The upload of a body refused while it arrived is never read to its end: once the answer
    // is out, the socket is closed rather than left with the client's writes stalled against it.
    if (reply.statusCode === 413) request.raw.socket?.destroySoon();
    const route = request.routeOptions.url ?? "unmatched";
    metrics.recordRequest(route, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = httpError(error);
    // Overload answers (503, 504) are expected under load: one line each, no stack.
    if (status === 504) request.log.warn({ message: body.message }, "request timed out");
    else if (status >= 500 && status !== 503) request.log.error({ err: error }, "request failed");
    if (status === 503) reply.header("retry-after", "1");
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      object: "error",
      message: `No route ${request.method} ${request.url}: the API is POST /v1/ranking, POST /v1/rerank (or /v2/rerank; Cohere, Jina), POST /voyage/v1/rerank (Voyage), GET /v1/models, /v1/metadata, /v1/metrics, /v1/health/live, /v1/health/ready.`,
      type: "not-found",
    }),
  );

  if (settings.apiKey !== undefined) {
    const apiKeyMatches = createApiKeyCheck(settings.apiKey);
    // Before the body is read: an unauthenticated client costs a header check, not a 16 MB parse.
    app.addHook("onRequest", async (request, reply) => {
      if (!protectedRoutes.has(request.routeOptions.url ?? "")) return;
      if (apiKeyMatches(request.headers.authorization)) return;
      reply.header("www-authenticate", 'Bearer realm="reranker"');
      throw new HybridRagError(
        "permission-denied",
        "Missing or wrong API key: send the header `Authorization: Bearer <RERANKER_API_KEY>`.",
      );
    });
  }

  const getService = () => service;
  registerRankingRoutes(app, { settings, metrics, getService });
  registerStatusRoutes(app, {
    settings,
    metrics,
    getService,
    metadata: options.metadata ?? {},
    getDevice: () => device,
  });

  const modelLoaded = options.loadScorer().then(
    (scorer) => {
      device = scorer.device;
      service = new RankingService(scorer, settings, {
        ...settings,
        onBatch: (batch) => metrics.recordBatch(batch),
      });
      app.log.info({ model: settings.modelId, maxTokens: scorer.maxTokens }, "model loaded");
    },
    (error: unknown) => {
      const failure = toHybridRagError(error, `loading the model ${settings.modelId}`);
      app.log.fatal({ err: failure }, "model failed to load");
      throw failure;
    },
  );
  // Callers that never await it (tests of the health routes) must not crash the process.
  modelLoaded.catch(() => {});

  return {
    app,
    modelLoaded,
    async listen() {
      return app.listen({ host: settings.host, port: settings.port });
    },
    async close() {
      closing = true;
      await closeWithDeadline(app, receiving, settings.shutdownTimeoutMs);
    },
  };
}

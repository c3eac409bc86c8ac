import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import Fastify, { type FastifyInstance } from "fastify";
import { createApiKeyCheck } from "./api-key.ts";
import type { ServerConfig } from "./config.ts";
import { clientError, httpError } from "./http-errors.ts";
import type { PairScorer } from "./pair-scorer.ts";
import { registerRankingRoutes } from "./ranking-routes.ts";
import { RankingService } from "./ranking-service.ts";
import { ServerMetrics } from "./server-metrics.ts";
import { registerStatusRoutes } from "./status-routes.ts";

/** The settings `createRerankerServer` uses (a `ServerConfig` without where to find the model). */
export type RerankerServerSettings = Omit<ServerConfig, "modelPath" | "executionProvider">;

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
  /** Stops accepting requests, finishes the ones in flight, then resolves. */
  close(): Promise<void>;
}

/** Builds the HTTP server (Fastify, pino logs) around a cross-encoder loaded in the background. */
export function createRerankerServer(options: RerankerServerOptions): RerankerServer {
  const { settings } = options;
  const app = Fastify({
    bodyLimit: settings.maxBodyBytes,
    logger: { level: settings.logLevel },
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });
  let service: RankingService | undefined;
  let device: Readonly<Record<string, unknown>> | undefined;
  const metrics = new ServerMetrics(
    () => service?.pendingRequests ?? 0,
    () => service !== undefined,
  );

  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      if (String(body).trim() === "")
        throw clientError(400, "The request body is empty: send a JSON object.");
      done(null, JSON.parse(String(body)));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      done(
        HybridRagError.isInstance(error)
          ? error
          : clientError(400, `Malformed JSON in the request body: ${reason}.`),
        undefined,
      );
    }
  });

  let closing = false;
  // Answers finished during shutdown close their connection, so keep-alive clients do not hold
  // the server open until their idle timeout.
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.recordRequest(route, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = httpError(error);
    if (status >= 500 && status !== 503) request.log.error({ err: error }, "request failed");
    if (status === 503) reply.header("retry-after", "1");
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      object: "error",
      message: `No route ${request.method} ${request.url}: the API is POST /v1/ranking, POST /v1/rerank (or /v2/rerank), GET /v1/models, /v1/metadata, /v1/metrics, /v1/health/live, /v1/health/ready.`,
      type: "not-found",
    }),
  );

  const apiKeyMatches =
    settings.apiKey === undefined ? undefined : createApiKeyCheck(settings.apiKey);
  const authenticate = async (authorization: string | undefined) => {
    if (apiKeyMatches && !apiKeyMatches(authorization)) {
      throw new HybridRagError(
        "permission-denied",
        "Missing or wrong API key: send the header `Authorization: Bearer <RERANKER_API_KEY>`.",
      );
    }
  };

  const getService = () => service;
  registerRankingRoutes(app, { settings, metrics, authenticate, getService });
  registerStatusRoutes(app, {
    settings,
    metrics,
    authenticate,
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
      await app.close();
    },
  };
}

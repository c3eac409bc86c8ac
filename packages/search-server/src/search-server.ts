import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { EmbeddedCollection } from "@hybrid-rag/collection";
import { HybridRagError, parseWithSchema, toHybridRagError } from "@hybrid-rag/core";
import { closeWithDeadline, parseJsonWithLimits } from "@hybrid-rag/core/internal";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { clientError, httpError } from "./http-errors.ts";
import { openApiDocument } from "./openapi-document.ts";
import { SearchGate } from "./search-gate.ts";
import { registerSearchRoutes } from "./search-routes.ts";
import { SearchServerMetrics } from "./search-server-metrics.ts";
import {
  type ResolvedSearchServerSettings,
  type SearchServerSettings,
  searchServerSettingsSchema,
} from "./search-server-settings.ts";

/** What the server serves: an embedded collection (ingest needs its `save` and a directory). */
export type ServedCollection = Pick<EmbeddedCollection, "search" | "store" | "ingest" | "save">;

export interface SearchServerOptions {
  readonly collection: ServedCollection;
  /** Where the collection lives: an ingest saves a new version there. Needed for `ingest`. */
  readonly directory?: string;
  readonly settings?: SearchServerSettings;
}

export interface SearchServer {
  readonly app: FastifyInstance;
  readonly settings: ResolvedSearchServerSettings;
  /** Starts listening; resolves with the base URL (`http://host:port`). */
  listen(): Promise<string>;
  /**
   * Stops accepting, cuts uploads still arriving, lets requests in flight finish and cuts what
   * is still open after `shutdownTimeoutMs`: resolves within that deadline.
   */
  close(): Promise<void>;
}

const loopback = new Set(["127.0.0.1", "localhost", "::1"]);
const maxJsonDepth = 32;
const maxTimerMs = 2 ** 31 - 1;

/** Builds the HTTP search service (Fastify, pino logs) around an open collection. */
export function createSearchServer(options: SearchServerOptions): SearchServer {
  const settings = parseWithSchema(
    searchServerSettingsSchema,
    options.settings ?? {},
    "search server settings",
  );
  if (
    !loopback.has(settings.host) &&
    settings.apiKey === undefined &&
    !settings.allowUnauthenticatedHost
  ) {
    throw new HybridRagError(
      "invalid-argument",
      `host ${settings.host} would serve the collection beyond this machine without a key: set an API key (16+ characters) or keep 127.0.0.1.`,
    );
  }
  if (settings.ingest && (settings.apiKey === undefined || options.directory === undefined)) {
    throw new HybridRagError(
      "invalid-argument",
      "the ingest endpoint needs an API key (it changes the collection) and the collection's directory (to save to).",
    );
  }
  const app = Fastify({
    // The ingest route raises it for itself: a search body is refused past maxBodyBytes unread.
    bodyLimit: settings.maxBodyBytes,
    logger: { level: settings.logLevel },
    return503OnClosing: true,
    forceCloseConnections: "idle",
    // Node's own timeouts (Fastify's requestTimeout 0 would let a stalled upload hold its
    // connection, and shutdown, forever); shortened by the check interval so they hold.
    serverFactory: (handler) => {
      const checkEveryMs = Math.max(25, Math.min(1000, Math.floor(settings.bodyTimeoutMs / 20)));
      const server = createServer(
        {
          requestTimeout: Math.max(1, settings.bodyTimeoutMs - checkEveryMs),
          // Node requires headersTimeout ≤ requestTimeout.
          headersTimeout: Math.max(
            1,
            Math.min(settings.headersTimeoutMs, settings.bodyTimeoutMs) - checkEveryMs,
          ),
          keepAliveTimeout: settings.keepAliveTimeoutMs,
          connectionsCheckingInterval: checkEveryMs,
        },
        handler,
      );
      server.maxConnections = settings.maxConnections;
      server.setTimeout(Math.min(maxTimerMs, settings.requestTimeoutMs + settings.bodyTimeoutMs));
      return server;
    },
  });
  const gate = new SearchGate(
    settings.maxConcurrentSearches,
    settings.maxQueuedSearches,
    settings.requestTimeoutMs,
  );
  const metrics = new SearchServerMetrics(
    () => gate.pending,
    () => options.collection.store.parentCount,
  );
  const limits = {
    maxQueryChars: settings.maxQueryChars,
    maxTopK: settings.maxTopK,
    maxCandidates: settings.maxCandidates,
    maxIngestDocuments: settings.maxIngestDocuments,
  };
  const openApi = openApiDocument(limits, {
    ingest: settings.ingest,
    auth: settings.apiKey !== undefined,
  });

  // Only JSON bodies, parsed with depth and array limits before anything walks them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    try {
      if (String(body).trim() === "")
        throw clientError(400, "The request body is empty: send a JSON object.");
      const isIngest = request.routeOptions.url === "/v1/documents";
      done(
        null,
        parseJsonWithLimits(String(body), {
          maxDepth: maxJsonDepth,
          what: "request body",
          maxArrayItems: isIngest ? settings.maxIngestDocuments : 1000,
        }),
      );
    } catch (error) {
      const failure = toHybridRagError(error);
      done(failure.statusCode ? failure : clientError(400, failure.message), undefined);
    }
  });

  // Uploads still arriving, so shutdown can cut them at once.
  const receiving = new Set<FastifyRequest>();
  app.addHook("onRequest", async (request, reply) => {
    if (request.method === "POST") receiving.add(request);
    reply.raw.once("close", () => {
      receiving.delete(request);
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
  let closing = false;
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request, reply) => {
    metrics.recordRequest(
      request.routeOptions.url ?? "unmatched",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = httpError(error);
    if (status >= 500 && status !== 503 && status !== 504)
      request.log.error({ err: error }, "request failed");
    if (status === 503) reply.header("retry-after", "1");
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: "not-found",
        message: `No route ${request.method} ${request.url.slice(0, 200)}: see GET /openapi.json for the API.`,
      },
    }),
  );

  if (settings.apiKey !== undefined) {
    const expected = createHash("sha256").update(settings.apiKey).digest();
    const open = new Set(["/v1/health/live", "/v1/health/ready", "/v1/metrics", "/openapi.json"]);
    // Before the body is read: an unauthenticated client costs a header check, not a parse.
    app.addHook("onRequest", async (request, reply) => {
      if (open.has(request.routeOptions.url ?? "")) return;
      const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization?.trim() ?? "");
      const given = createHash("sha256")
        .update(match?.[1] ?? "")
        .digest();
      if (timingSafeEqual(given, expected) && match !== null) return;
      reply.header("www-authenticate", 'Bearer realm="hybrid-rag"');
      throw new HybridRagError(
        "permission-denied",
        "Missing or wrong API key: send the header `Authorization: Bearer <key>`.",
      );
    });
  }

  registerSearchRoutes(app, {
    collection: options.collection,
    directory: options.directory,
    settings,
    limits,
    gate,
    metrics,
    openApi,
    isClosing: () => closing,
  });

  return {
    app,
    settings,
    async listen() {
      return app.listen({ host: settings.host, port: settings.port });
    },
    async close() {
      closing = true;
      await closeWithDeadline(app, receiving, settings.shutdownTimeoutMs);
    },
  };
}

import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { parseJsonWithLimits } from "@hybrid-rag/core/internal";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { z } from "zod";
import { type DemoEngine, stageNames } from "./demo-engine.ts";
import { answerClientError, type DemoErrorBody, errorAnswer } from "./demo-http-errors.ts";
import { addImageRoute } from "./image-route.ts";
import { toPageHits } from "./page-hit.ts";
import { queryHighlighter } from "./query-highlights.ts";
import { SearchQueue } from "./search-queue.ts";

const searchRequestSchema = z.strictObject({
  query: z
    .string({ error: "query must be a string" })
    .max(2000, "query must be at most 2000 characters"),
  topK: z.number().int().min(1).max(100).default(10),
  candidates: z.number().int().min(1).max(1000).default(50),
});

const pageFiles: Readonly<Record<string, { file: string; type: string }>> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/page.js": { file: "page.js", type: "text/javascript; charset=utf-8" },
  "/page.css": { file: "page.css", type: "text/css; charset=utf-8" },
};

/** Bounds on what one client can make the demo do; the defaults suit the page's own requests. */
export interface DemoServerLimits {
  /** Largest request body (the page sends a query of at most 2000 characters). */
  readonly maxBodyBytes: number;
  /** Deepest JSON nesting in a body (a search request has 1 level). */
  readonly maxJsonDepth: number;
  /** The whole request (headers and body) must arrive within this; stalled uploads are closed. */
  readonly bodyTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; more are refused at accept. */
  readonly maxConnections: number;
  /** Searches run at once (each runs the models); more wait in line. */
  readonly maxConcurrentSearches: number;
  /** Searches waiting at most; one more is answered 503 with Retry-After. */
  readonly maxQueuedSearches: number;
  /** Page images read from the collection at once (each up to the store's image limit, 8 MiB). */
  readonly maxConcurrentImageReads: number;
  /** Image reads waiting at most; one more is answered 503 with Retry-After. */
  readonly maxQueuedImageReads: number;
}

export const defaultDemoServerLimits: DemoServerLimits = {
  maxBodyBytes: 64 * 1024,
  maxJsonDepth: 16,
  bodyTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
  maxConcurrentSearches: 2,
  maxQueuedSearches: 16,
  maxConcurrentImageReads: 8,
  maxQueuedImageReads: 64,
};

export interface DemoServerOptions {
  readonly engine: DemoEngine;
  /** Shown on the page: where the documents came from and how many there are. */
  readonly corpus: {
    readonly source: string;
    readonly documents: number;
    readonly chunks?: number;
  };
  readonly logLevel?: string;
  readonly limits?: Partial<DemoServerLimits>;
}

/**
 * The demo's web page and its JSON API (`GET /api/status`, `POST /api/search`), and the
 * collection's stored images the hits' thumbnails link to (`GET /api/images/<sha256>.<ext>`).
 */
export function createDemoServer(options: DemoServerOptions): FastifyInstance {
  const limits = { ...defaultDemoServerLimits, ...options.limits };
  const app = Fastify({
    logger: { level: options.logLevel ?? "info" },
    forceCloseConnections: true,
    bodyLimit: limits.maxBodyBytes,
    // 408 (a stalled upload), 400 and 431 from Node's parser, in the demo's error shape too.
    clientErrorHandler: answerClientError,
    serverFactory: (handler) => {
      const server = createServer(
        {
          requestTimeout: limits.bodyTimeoutMs,
          headersTimeout: limits.bodyTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.bodyTimeoutMs / 4)),
        },
        handler,
      );
      server.maxConnections = limits.maxConnections;
      return server;
    },
  });
  const { engine } = options;

  // JSON only (415 for anything else), depth-limited before parsing: a deeply nested body must
  // not overflow the stack of whatever describes it next.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(
        null,
        parseJsonWithLimits(String(body), { maxDepth: limits.maxJsonDepth, what: "request body" }),
      );
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)), undefined);
    }
  });

  for (const [path, { file, type }] of Object.entries(pageFiles)) {
    app.get(path, async (_request, reply) =>
      reply.type(type).send(await readFile(new URL(`./page/${file}`, import.meta.url))),
    );
  }

  const searches = new SearchQueue(limits.maxConcurrentSearches, limits.maxQueuedSearches);
  const imageReads = new SearchQueue(
    limits.maxConcurrentImageReads,
    limits.maxQueuedImageReads,
    "image reads",
  );
  app.get("/api/status", async () => ({
    corpus: options.corpus,
    examples: engine.components.examples ?? [],
    searches: { running: searches.running, waiting: searches.waiting },
    imageReads: { running: imageReads.running, waiting: imageReads.waiting },
    stages: stageNames.map((stage) => ({
      stage,
      status: engine.components.off[stage] ? "off" : "on",
      description: engine.components.descriptions[stage],
      off: engine.components.off[stage],
    })),
  }));

  // A search whose client has gone away is stopped (waiting in line or running): its work must
  // not delay the searches still wanted.
  const clientGone = new WeakMap<FastifyRequest, AbortSignal>();
  app.addHook("onRequest", async (request, reply) => {
    const controller = new AbortController();
    clientGone.set(request, controller.signal);
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) {
        controller.abort(new HybridRagError("aborted", "The client closed the connection."));
      }
    });
  });

  addImageRoute(
    app,
    engine.components.images,
    imageReads,
    (request) => clientGone.get(request as FastifyRequest) ?? new AbortController().signal,
  );

  app.post("/api/search", async (request) => {
    const body = parseWithSchema(searchRequestSchema, request.body, "search request");
    const signal = clientGone.get(request) ?? new AbortController().signal;
    const response = await searches.run(signal, () =>
      engine.search(body.query, { ...body, signal }),
    );
    const highlight = queryHighlighter(engine.components.analyzer, body.query);
    return {
      ...response,
      stages: response.stages.map((stage) => ({
        ...stage,
        hits: toPageHits(stage.hits, highlight, engine.components.images),
      })),
    };
  });

  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = errorAnswer(error);
    if (status === 503) reply.header("retry-after", "1");
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: `No route ${request.method} ${request.url}: the demo serves GET /, GET /api/status, POST /api/search and GET /api/images/<sha256>.<extension>.`,
      code: "not-found",
    } satisfies DemoErrorBody),
  );
  return app;
}

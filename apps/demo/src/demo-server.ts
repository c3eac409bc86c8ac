import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { parseJsonWithLimits } from "@hybrid-rag/core/internal";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { type DemoEngine, stageNames } from "./demo-engine.ts";
import { toPageHits } from "./page-hit.ts";

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
}

export const defaultDemoServerLimits: DemoServerLimits = {
  maxBodyBytes: 64 * 1024,
  maxJsonDepth: 16,
  bodyTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
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

/** The demo's web page and its JSON API (`GET /api/status`, `POST /api/search`). */
export function createDemoServer(options: DemoServerOptions): FastifyInstance {
  const limits = { ...defaultDemoServerLimits, ...options.limits };
  const app = Fastify({
    logger: { level: options.logLevel ?? "info" },
    forceCloseConnections: true,
    bodyLimit: limits.maxBodyBytes,
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

  app.get("/api/status", async () => ({
    corpus: options.corpus,
    stages: stageNames.map((stage) => ({
      stage,
      status: engine.components.off[stage] ? "off" : "on",
      description: engine.components.descriptions[stage],
      off: engine.components.off[stage],
    })),
  }));

  app.post("/api/search", async (request) => {
    const body = parseWithSchema(searchRequestSchema, request.body, "search request");
    const response = await engine.search(body.query, body);
    return {
      ...response,
      stages: response.stages.map((stage) => ({ ...stage, hits: toPageHits(stage.hits) })),
    };
  });

  app.setErrorHandler((error, _request, reply) => {
    const framework = (error as { statusCode?: unknown }).statusCode;
    const status = HybridRagError.isInstance(error)
      ? error.code === "invalid-argument"
        ? 400
        : 500
      : typeof framework === "number"
        ? framework
        : 500;
    return reply
      .code(status)
      .send({ error: error instanceof Error ? error.message : String(error) });
  });
  return app;
}

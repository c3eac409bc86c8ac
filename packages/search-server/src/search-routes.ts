import {
  type CollectionSearchResult,
  citedPassage,
  parentDocument,
  searchPassages,
} from "@hybrid-rag/collection";
import { HybridRagError, type MetadataFilter, parseWithSchema } from "@hybrid-rag/core";
import type { FastifyInstance } from "fastify";
import { type ApiLimits, requestSchemas } from "./search-api.ts";
import type { SearchGate } from "./search-gate.ts";
import type { ServedCollection } from "./search-server.ts";
import type { SearchServerMetrics } from "./search-server-metrics.ts";
import type { ResolvedSearchServerSettings } from "./search-server-settings.ts";

export interface RouteContext {
  readonly collection: ServedCollection;
  readonly directory: string | undefined;
  readonly settings: ResolvedSearchServerSettings;
  readonly limits: ApiLimits;
  readonly gate: SearchGate;
  readonly metrics: SearchServerMetrics;
  readonly openApi: Record<string, unknown>;
  readonly isClosing: () => boolean;
}

export function registerSearchRoutes(app: FastifyInstance, context: RouteContext): void {
  const { collection, gate, settings } = context;
  const schemas = requestSchemas(context.limits);
  const health = () => ({
    status: "ok" as const,
    documents: collection.store.parentCount,
    passages: collection.store.chunkCount,
  });

  app.post("/v1/search", async (request) => {
    const body = parseWithSchema(schemas.search, request.body, "search request");
    const clientGone = new AbortController();
    request.raw.socket?.once("close", () => clientGone.abort());
    return gate.run(async (signal) => {
      const {
        hits: _hits,
        passages,
        warnings,
        timings,
        alsoIn,
      } = await searchWithTimings(collection, body.query, {
        topK: body.top_k,
        ...(body.candidates ? { candidates: body.candidates } : {}),
        ...(body.filters ? { filter: body.filters } : {}),
        signal,
      });
      return {
        passages: passages.map((passage) => ({
          ...passage,
          alsoIn: alsoIn[passage.parentId] ?? [],
        })),
        warnings,
        timings,
      };
    }, clientGone.signal);
  });

  app.get<{ Params: { id: string } }>("/v1/passages/:id", async (request) => {
    const chunk = collection.store.chunk(request.params.id);
    if (!chunk) {
      throw new HybridRagError(
        "not-found",
        `no passage with id ${JSON.stringify(request.params.id.slice(0, 200))}; use an id from a search result.`,
      );
    }
    const {
      rank: _rank,
      score: _score,
      provenance: _provenance,
      ...passage
    } = citedPassage({
      id: chunk.id,
      rank: 1,
      score: 0,
      document: chunk,
      sources: {},
    });
    return passage;
  });

  app.get<{ Params: { id: string } }>("/v1/documents/:id", async (request) =>
    parentDocument(collection.store, request.params.id),
  );

  app.get("/v1/health/live", async () => health());
  app.get("/v1/health/ready", async () => {
    if (context.isClosing())
      throw new HybridRagError("unavailable", "the server is shutting down.");
    return health();
  });
  app.get("/v1/metrics", async (_request, reply) => {
    reply.header("content-type", context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });
  app.get("/openapi.json", async () => context.openApi);

  if (settings.ingest && context.directory !== undefined) {
    const directory = context.directory;
    let ingesting = false;
    app.post("/v1/documents", { bodyLimit: settings.maxIngestBodyBytes }, async (request) => {
      const body = parseWithSchema(schemas.ingest, request.body, "ingest request");
      if (ingesting) {
        throw new HybridRagError(
          "unavailable",
          "another ingest is running: retry when it has finished.",
        );
      }
      ingesting = true;
      try {
        const summary = await collection.ingest(body.documents as never);
        const version = await collection.save(directory);
        const {
          documents,
          added,
          replaced,
          unchanged,
          duplicates,
          failed,
          chunks,
          oversized,
          elapsedMs,
        } = summary;
        return {
          version,
          documents,
          added,
          replaced,
          unchanged,
          duplicates,
          failed,
          chunks,
          oversized,
          elapsedMs,
        };
      } finally {
        ingesting = false;
      }
    });
  }
}

/** `searchPassages` for a collection, keeping its per-stage timings and near-duplicate copies for the answer. */
async function searchWithTimings(
  collection: ServedCollection,
  query: string,
  options: {
    topK: number;
    candidates?: number;
    filter?: MetadataFilter;
    signal: AbortSignal;
  },
) {
  let timings: Record<string, number> = {};
  let alsoIn: CollectionSearchResult["alsoIn"] = {};
  const source = {
    search: async (q: string, searchOptions: Parameters<ServedCollection["search"]>[1]) => {
      const result = await collection.search(q, {
        ...searchOptions,
        ...(options.candidates ? { candidates: options.candidates } : {}),
      });
      timings = result.timings;
      alsoIn = result.alsoIn;
      return result;
    },
  };
  const result = await searchPassages(source, query, options);
  return { ...result, timings, alsoIn };
}

import type { FastifyInstance } from "fastify";
import { maxJsonDepth } from "./request-limits.ts";
import type { RouteContext } from "./route-context.ts";

export interface StatusRouteContext extends RouteContext {
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The loaded scorer's device facts (provider in use, …); undefined while loading. */
  readonly getDevice: () => Readonly<Record<string, unknown>> | undefined;
}

const startedAt = Math.floor(Date.now() / 1000);

/** Health, model list, metadata and Prometheus metrics, as the NIM exposes them. */
export function registerStatusRoutes(app: FastifyInstance, context: StatusRouteContext): void {
  const { settings } = context;

  app.get("/v1/health/live", async () => ({
    object: "health.response",
    message: "Service is live.",
    status: "live",
  }));

  app.get("/v1/health/ready", async (_request, reply) => {
    if (context.getService()) {
      return { object: "health.response", message: "Service is ready.", status: "ready" };
    }
    return reply.code(503).send({
      object: "health.response",
      message: "Service is not ready: the model is loading.",
      status: "not-ready",
    });
  });

  app.get("/v1/models", async () => {
    return {
      object: "list",
      data: [{ id: settings.modelId, object: "model", created: startedAt, owned_by: "hybrid-rag" }],
    };
  });

  app.get("/v1/metadata", async () => {
    return {
      version: "0.1.0",
      // The provider in use comes from the loaded model, never from the configuration.
      modelInfo: [
        {
          shortName: settings.modelId,
          ...context.metadata,
          ...(context.getDevice() ?? { executionProvider: null }),
        },
      ],
      limits: {
        maxPassagesPerRequest: settings.maxPassagesPerRequest,
        maxQueuedRequests: settings.maxQueuedRequests,
        maxQueuedPairs: settings.maxQueuedPairs,
        maxBatchTokens: settings.maxBatchTokens,
        maxBatchPairs: settings.maxBatchPairs,
        requestTimeoutMs: settings.requestTimeoutMs,
        bodyTimeoutMs: settings.bodyTimeoutMs,
        maxJsonDepth,
        maxBodyBytes: settings.maxBodyBytes,
        maxImageBytes: settings.maxImageBytes,
        maxRequestImageBytes: settings.maxRequestImageBytes,
        maxImagePixels: settings.maxImagePixels,
      },
      acceptsImages: context.getService()?.acceptsImages ?? null,
      ready: context.getService() !== undefined,
    };
  });

  app.get("/v1/metrics", async (_request, reply) => {
    const text = await context.metrics.registry.metrics();
    return reply.type(context.metrics.registry.contentType).send(text);
  });
}

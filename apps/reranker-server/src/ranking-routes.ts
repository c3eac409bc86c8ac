import { maxBase64Length, parseWithSchema } from "@hybrid-rag/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requestSignal } from "./client-gone.ts";
import { imageBudgetHook } from "./image-budget-hook.ts";
import { type RankingResponse, rankingRequestSchema } from "./ranking-api.ts";
import { type RankingPassage, rankingPassages } from "./ranking-passages.ts";
import { modelNotReadyError, type RankingResult, type Truncation } from "./ranking-service.ts";
import { checkListLength, checkModel } from "./request-checks.ts";
import { registerRerankRoutes } from "./rerank-routes.ts";
import type { RouteContext } from "./route-context.ts";

/** Ranks passages for a request: what every ranking route calls. */
export type RankFunction = (
  request: FastifyRequest,
  reply: FastifyReply,
  query: string,
  passages: readonly RankingPassage[],
  truncate: Truncation,
  maxPassageTokens?: number,
) => Promise<RankingResult>;

/**
 * `POST /v1/ranking` (NIM), and the rerank dialects: `POST /v1/rerank`, `/v2/rerank` (Cohere,
 * Jina) and `/voyage/v1/rerank` (Voyage).
 */
export function registerRankingRoutes(app: FastifyInstance, context: RouteContext): void {
  const rank: RankFunction = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: string,
    passages: readonly RankingPassage[],
    truncate: Truncation,
    maxPassageTokens?: number,
  ): Promise<RankingResult> => {
    const service = context.getService();
    if (!service) throw modelNotReadyError();
    const signal = requestSignal(request, reply, context.settings.requestTimeoutMs);
    return service.rank(query, passages, truncate, signal, maxPassageTokens);
  };

  const maxPassages = context.settings.maxPassagesPerRequest;
  const { settings } = context;
  // Images come on top of the body limit, checked while they arrive (`imageBudgetStream`).
  const bodyLimit =
    settings.maxBodyBytes + maxBase64Length(settings.maxRequestImageBytes) + 256 * maxPassages;
  app.post(
    "/v1/ranking",
    { bodyLimit, preParsing: imageBudgetHook(context) },
    async (request, reply) => {
      // Count before validating item by item: the work of validation (and its error message)
      // must not grow with a list the server would refuse anyway.
      checkListLength(request.body, "passages", maxPassages);
      const body = parseWithSchema(rankingRequestSchema, request.body, "ranking request");
      checkModel(body.model, settings.modelId);
      const service = context.getService();
      if (!service) throw modelNotReadyError();
      const passages = rankingPassages(body.passages, {
        acceptsImages: service.acceptsImages,
        modelId: settings.modelId,
        maxImageBytes: settings.maxImageBytes,
        maxRequestImageBytes: settings.maxRequestImageBytes,
        maxImagePixels: settings.maxImagePixels,
      });
      const result = await rank(request, reply, body.query.text, passages, body.truncate);
      const response: RankingResponse = {
        rankings: result.rankings,
        usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
      };
      return response;
    },
  );

  registerRerankRoutes(app, context, rank);
}

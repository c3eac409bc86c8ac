import { randomUUID } from "node:crypto";
import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requestSignal } from "./client-gone.ts";
import { documentTexts } from "./cohere-documents.ts";
import { type CohereRerankResponse, cohereRerankRequestSchema } from "./cohere-rerank-api.ts";
import { type RankingResponse, rankingRequestSchema } from "./ranking-api.ts";
import {
  modelNotReadyError,
  type RankingResult,
  type Truncation,
  tooManyPassagesError,
} from "./ranking-service.ts";
import type { RouteContext } from "./route-context.ts";

/** `POST /v1/ranking` (NIM) and `POST /v1/rerank`, `/v2/rerank` (Cohere-compatible). */
export function registerRankingRoutes(app: FastifyInstance, context: RouteContext): void {
  const rank = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: string,
    passages: readonly string[],
    truncate: Truncation,
    maxPassageTokens?: number,
  ): Promise<RankingResult> => {
    const service = context.getService();
    if (!service) throw modelNotReadyError();
    const signal = requestSignal(request, reply, context.settings.requestTimeoutMs);
    return service.rank(query, passages, truncate, signal, maxPassageTokens);
  };

  const maxPassages = context.settings.maxPassagesPerRequest;
  app.post("/v1/ranking", async (request, reply) => {
    // Count before validating item by item: the work of validation (and its error message)
    // must not grow with a list the server would refuse anyway.
    checkListLength(request.body, "passages", maxPassages);
    const body = parseWithSchema(rankingRequestSchema, request.body, "ranking request");
    checkModel(body.model, context.settings.modelId);
    const passages = body.passages.map((passage) => passage.text);
    const result = await rank(request, reply, body.query.text, passages, body.truncate);
    const response: RankingResponse = {
      rankings: result.rankings,
      usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
    };
    return response;
  });

  // Cohere's v1 and v2 rerank share this shape; its v2 client (and ours) calls /v2/rerank.
  const cohereRerank = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<CohereRerankResponse> => {
    checkListLength(request.body, "documents", maxPassages);
    const body = parseWithSchema(cohereRerankRequestSchema, request.body, "rerank request");
    if (body.model !== undefined) checkModel(body.model, context.settings.modelId);
    const texts = documentTexts(body.documents, body.rank_fields);
    // Cohere truncates long documents rather than failing: each document is first cut to
    // max_tokens_per_doc, then the pair to the model's limit.
    const result = await rank(request, reply, body.query, texts, "END", body.max_tokens_per_doc);
    const top = result.rankings.slice(0, body.top_n ?? result.rankings.length);
    return {
      id: randomUUID(),
      results: top.map(({ index, logit }) => {
        const sent = body.documents[index]!;
        return {
          index,
          // Cohere's scores lie in [0, 1]: the logit through a sigmoid keeps the order.
          relevance_score: 1 / (1 + Math.exp(-logit)),
          // As sent: Cohere returns a string document as {text}, an object with all its fields.
          ...(body.return_documents
            ? { document: typeof sent === "string" ? { text: sent } : sent }
            : {}),
        };
      }),
      meta: {
        api_version: { version: "2" },
        billed_units: { search_units: 1 },
        tokens: { input_tokens: result.promptTokens, output_tokens: 0 },
      },
    };
  };
  app.post("/v1/rerank", cohereRerank);
  app.post("/v2/rerank", cohereRerank);
}

/** Refuses a body whose list `field` holds more than `limit` items, before anything else. */
function checkListLength(body: unknown, field: string, limit: number): void {
  if (typeof body !== "object" || body === null) return;
  const list = (body as Record<string, unknown>)[field];
  if (Array.isArray(list) && list.length > limit) {
    throw tooManyPassagesError(list.length, limit);
  }
}

function checkModel(requested: string, served: string): void {
  if (requested !== served) {
    throw new HybridRagError(
      "not-found",
      `The model "${requested}" is not served here; this server serves "${served}" (GET /v1/models).`,
    );
  }
}

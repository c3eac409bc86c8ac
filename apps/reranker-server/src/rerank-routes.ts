import { randomUUID } from "node:crypto";
import { parseWithSchema } from "@hybrid-rag/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { documentTexts } from "./cohere-documents.ts";
import {
  type CohereRerankRequest,
  type CohereRerankResponse,
  cohereRerankRequestSchema,
  type VoyageRerankResponse,
} from "./cohere-rerank-api.ts";
import { clientError } from "./http-errors.ts";
import type { RankFunction } from "./ranking-routes.ts";
import type { RankingResult } from "./ranking-service.ts";
import { checkListLength, checkModel } from "./request-checks.ts";
import { withCanonicalFieldNames } from "./rerank-field-aliases.ts";
import type { RouteContext } from "./route-context.ts";

interface RerankOutcome {
  readonly body: CohereRerankRequest;
  readonly result: RankingResult;
  /** The rankings asked for: `top_n` (Cohere, Jina) or `top_k` (Voyage) best, else all. */
  readonly top: RankingResult["rankings"];
}

/**
 * The rerank dialects users send, on one request schema: Cohere v1/v2 and Jina on `/v1/rerank`
 * and `/v2/rerank` (Cohere's answer, plus the `model` and `usage.total_tokens` Jina clients
 * read), Voyage on `/voyage/v1/rerank` (a Voyage client with base URL `<server>/voyage/v1`),
 * which answers `{object, data, model, usage}` as Voyage's SDK reads it.
 */
export function registerRerankRoutes(
  app: FastifyInstance,
  context: RouteContext,
  rank: RankFunction,
): void {
  const modelId = context.settings.modelId;
  const rerank = async (request: FastifyRequest, reply: FastifyReply): Promise<RerankOutcome> => {
    checkListLength(request.body, "documents", context.settings.maxPassagesPerRequest);
    const body = parseWithSchema(
      cohereRerankRequestSchema,
      withCanonicalFieldNames(request.body),
      "rerank request",
    );
    if (body.model !== undefined) checkModel(body.model, modelId);
    if (body.top_n !== undefined && body.top_k !== undefined && body.top_n !== body.top_k) {
      throw clientError(
        422,
        `The rerank request sends top_n ${body.top_n} and top_k ${body.top_k}: they are the same setting (Cohere's and Voyage's names); send one.`,
      );
    }
    const texts = documentTexts(body.documents, body.rank_fields);
    // Cohere and Jina truncate long documents rather than failing: each document is first cut
    // to max_tokens_per_doc, then the pair to the model's limit. Voyage's `truncation: false`
    // asks for the refusal instead.
    const truncate = body.truncation === false ? "NONE" : "END";
    const passages = texts.map((text) => ({ text }));
    const result = await rank(
      request,
      reply,
      body.query,
      passages,
      truncate,
      body.max_tokens_per_doc,
    );
    const top = result.rankings.slice(0, body.top_n ?? body.top_k ?? result.rankings.length);
    return { body, result, top };
  };

  const cohereRerank = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<CohereRerankResponse> => {
    const { body, result, top } = await rerank(request, reply);
    return {
      id: randomUUID(),
      results: top.map(({ index, logit }) => {
        const sent = body.documents[index]!;
        return {
          index,
          relevance_score: relevanceScore(logit),
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
      model: modelId,
      usage: { total_tokens: result.promptTokens },
    };
  };
  app.post("/v1/rerank", cohereRerank);
  app.post("/v2/rerank", cohereRerank);

  app.post("/voyage/v1/rerank", async (request, reply): Promise<VoyageRerankResponse> => {
    const { body, result, top } = await rerank(request, reply);
    return {
      object: "list",
      data: top.map(({ index, logit }) => ({
        index,
        relevance_score: relevanceScore(logit),
        // Voyage returns the document as sent (a string).
        ...(body.return_documents ? { document: body.documents[index]! } : {}),
      })),
      model: modelId,
      usage: { total_tokens: result.promptTokens },
    };
  });
}

/** Cohere's, Jina's and Voyage's scores lie in [0, 1]: the logit through a sigmoid keeps the order. */
function relevanceScore(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

import { type Document, documentSchema, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";

const searchHitSchema = z.looseObject({
  _id: z.string(),
  _score: z.number().nullable(),
  _source: z
    .looseObject({
      id: z.string(),
      text: z.string(),
      title: z.string().optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

const searchResponseSchema = z.looseObject({
  hits: z.looseObject({ hits: z.array(searchHitSchema) }),
});

export interface ScoredSource {
  readonly id: string;
  readonly score: number;
  readonly document?: Document;
}

/** Validates a `_search` response and returns its hits with their stored documents. */
export function parseSearchResponse(body: unknown): ScoredSource[] {
  const response = parseWithSchema(searchResponseSchema, body, "Elasticsearch _search response");
  return response.hits.hits.map((hit) => {
    const source = hit._source;
    const document =
      source === undefined
        ? undefined
        : (parseWithSchema(
            documentSchema,
            {
              id: source.id,
              text: source.text,
              ...(source.title === undefined ? {} : { title: source.title }),
              ...(source.metadata === undefined ? {} : { metadata: source.metadata }),
            },
            `document ${hit._id} stored in Elasticsearch`,
          ) as Document);
    return { id: hit._id, score: hit._score ?? 0, ...(document ? { document } : {}) };
  });
}

import { parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";

const bulkItemResultSchema = z.looseObject({
  _id: z.string().optional(),
  status: z.number().int(),
  result: z.string().optional(),
  error: z.unknown().optional(),
});

/** The part of Elasticsearch's `_bulk` response we rely on: one result per action, in order. */
const bulkResponseSchema = z.looseObject({
  errors: z.boolean(),
  items: z.array(z.record(z.string(), bulkItemResultSchema)),
});

export type BulkItemResult = z.output<typeof bulkItemResultSchema>;

/** Validates a `_bulk` response and returns each action's result (whatever its action name). */
export function parseBulkResponse(body: unknown, expectedItems: number): BulkItemResult[] {
  const response = parseWithSchema(bulkResponseSchema, body, "Elasticsearch _bulk response");
  const results = response.items.map((item) => Object.values(item)[0]);
  if (results.length !== expectedItems || results.some((result) => result === undefined)) {
    throw new Error(
      `Elasticsearch _bulk answered ${results.length} item results for ${expectedItems} actions.`,
    );
  }
  return results as BulkItemResult[];
}

import { HybridRagError } from "@hybrid-rag/core";
import { tooManyPassagesError } from "./ranking-service.ts";

/** Refuses a body whose list `field` holds more than `limit` items, before anything else. */
export function checkListLength(body: unknown, field: string, limit: number): void {
  if (typeof body !== "object" || body === null) return;
  const list = (body as Record<string, unknown>)[field];
  if (Array.isArray(list) && list.length > limit) {
    throw tooManyPassagesError(list.length, limit);
  }
}

export function checkModel(requested: string, served: string): void {
  if (requested !== served) {
    throw new HybridRagError(
      "not-found",
      `The model "${requested}" is not served here; this server serves "${served}" (GET /v1/models).`,
    );
  }
}

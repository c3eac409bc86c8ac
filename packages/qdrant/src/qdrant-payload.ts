import { type Document, documentSchema, parseWithSchema } from "@hybrid-rag/core";

/** What a point carries: the document itself (with its original string id). */
export function payloadFor(document: Document): Record<string, unknown> {
  return {
    id: document.id,
    text: document.text,
    ...(document.title === undefined ? {} : { title: document.title }),
    ...(document.metadata === undefined ? {} : { metadata: document.metadata }),
  };
}

/** Validates a payload read back from Qdrant into a Document. */
export function documentFromPayload(payload: unknown, pointId: string | number): Document {
  return parseWithSchema(documentSchema, payload, `payload of Qdrant point ${pointId}`) as Document;
}

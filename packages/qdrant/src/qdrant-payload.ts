import {
  type Document,
  documentSchema,
  type FusionEvidence,
  type Hit,
  parseWithSchema,
} from "@hybrid-rag/core";

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

export type ScoredPoint = {
  id: string | number;
  score: number;
  payload?: Record<string, unknown> | null;
};

/** Qdrant's scored points → hits with provenance (`sign` −1 turns a distance into a score). */
export function pointsToHits(
  points: readonly ScoredPoint[],
  source: string,
  includeDocuments: boolean,
  sign: 1 | -1,
  fusion?: string,
): Hit[] {
  return points.map((point, position) => {
    const score = sign * point.score;
    const document = includeDocuments ? documentFromPayload(point.payload, point.id) : undefined;
    const id = document?.id ?? String((point.payload as { id?: unknown } | null)?.id ?? point.id);
    const evidence: FusionEvidence | undefined = fusion ? { method: fusion, score } : undefined;
    return {
      id,
      score,
      rank: position + 1,
      ...(document ? { document } : {}),
      sources: { [source]: { status: "found", rank: position + 1, score } },
      ...(evidence ? { fusion: evidence } : {}),
    };
  });
}

import type { Document } from "./document.ts";

/** What one source (a retriever) said about a hit. */
export type SourceEvidence = FoundEvidence | AbsentEvidence | FailedEvidence;

/** A retriever returned the hit: its rank and raw score there (and, after fusion, the normalised score and contribution). */
export interface FoundEvidence {
  readonly status: "found";
  /** 1-based rank in that source's list. */
  readonly rank: number;
  /** The source's raw score (BM25, cosine, …): comparable only within that source. */
  readonly score: number;
  /** The score after the fusion's normalisation, when the fusion normalises. */
  readonly normalizedScore?: number;
  /** This source's share of the fused score (weight × normalised score, or w / (k + rank)). */
  readonly contribution?: number;
}

/** The source ran but did not return this document. */
export interface AbsentEvidence {
  readonly status: "absent";
}

/** The source failed, so it cannot say anything about this document. */
export interface FailedEvidence {
  readonly status: "failed";
  readonly reason: string;
}

/** How fusion placed a hit: the method and the fused score. */
export interface FusionEvidence {
  readonly method: string;
  readonly score: number;
}

/** How the reranker placed a hit: its score and the rank and score before reranking. */
export interface RerankEvidence {
  readonly reranker: string;
  readonly score: number;
  /** 1-based rank before reranking. */
  readonly previousRank: number;
  /** The score before reranking (the fused or retriever score). */
  readonly previousScore: number;
}

/** A ranked result. Every stage keeps what earlier stages said, so users can see why a hit is where it is. */
export interface Hit {
  readonly id: string;
  /** The score this list is ordered by (retriever, fused or reranker score). */
  readonly score: number;
  /** 1-based position in this list. */
  readonly rank: number;
  readonly document?: Document;
  /** Evidence per source name (retriever name). */
  readonly sources: Readonly<Record<string, SourceEvidence>>;
  readonly fusion?: FusionEvidence;
  readonly rerank?: RerankEvidence;
}

/** One retriever's ranked output, as handed to a fusion. */
export interface RankedList {
  readonly source: string;
  readonly hits: readonly Hit[];
  /** Set when the source failed and the pipeline continued without it. */
  readonly error?: Error;
}

/** Re-number hits 1..n in their current order. */
export function withConsecutiveRanks<T extends Hit>(hits: readonly T[]): T[] {
  return hits.map((hit, index) => (hit.rank === index + 1 ? hit : { ...hit, rank: index + 1 }));
}

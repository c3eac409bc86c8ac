import { describe, expect, it } from "vitest";
import type { Hit } from "../hit.ts";
import type { Reranker } from "../reranker.ts";
import { contractCorpus } from "./contract-corpus.ts";
import { expectErrorCode } from "./expect-error.ts";
import { expectWellFormedRanking } from "./expect-ranked.ts";

export interface RerankerContractOptions {
  readonly create: () => Promise<Reranker>;
  readonly name?: string;
  readonly timeoutMs?: number;
}

/** Candidates as a retriever named "first-stage" would return them. */
export function contractCandidates(): Hit[] {
  return contractCorpus.map((document, index) => ({
    id: document.id,
    score: 10 - index,
    rank: index + 1,
    document,
    sources: { "first-stage": { status: "found", rank: index + 1, score: 10 - index } },
  }));
}

/** The behaviour every Reranker must have. */
export function runRerankerContract(options: RerankerContractOptions): void {
  const timeout = options.timeoutMs ?? 20_000;
  describe(`Reranker contract${options.name ? `: ${options.name}` : ""}`, () => {
    it("returns a reordering of the candidates with provenance kept", { timeout }, async () => {
      const reranker = await options.create();
      const candidates = contractCandidates();
      const hits = await reranker.rerank("electricity from the sun", candidates);
      expect(hits.map((hit) => hit.id).sort()).toEqual(candidates.map((hit) => hit.id).sort());
      expectWellFormedRanking(hits);
      for (const hit of hits) {
        const before = candidates.find((candidate) => candidate.id === hit.id)!;
        expect(hit.sources).toEqual(before.sources);
        expect(hit.document).toEqual(before.document);
        expect(hit.rerank).toMatchObject({
          reranker: reranker.name,
          score: hit.score,
          previousRank: before.rank,
          previousScore: before.score,
        });
      }
    });

    it("keeps the best topN", { timeout }, async () => {
      const reranker = await options.create();
      const all = await reranker.rerank("chess openings", contractCandidates());
      const top = await reranker.rerank("chess openings", contractCandidates(), { topN: 3 });
      expect(top.map((hit) => hit.id)).toEqual(all.slice(0, 3).map((hit) => hit.id));
    });

    it("returns [] for no candidates", { timeout }, async () => {
      const reranker = await options.create();
      expect(await reranker.rerank("anything", [])).toEqual([]);
    });

    it("rejects candidates without a document", { timeout }, async () => {
      const reranker = await options.create();
      const [first] = contractCandidates();
      const { document: _dropped, ...bare } = first!;
      await expectErrorCode(reranker.rerank("fox", [bare]), "invalid-argument");
    });

    it("rejects an invalid topN", { timeout }, async () => {
      const reranker = await options.create();
      for (const topN of [0, -2, 2.5]) {
        await expectErrorCode(
          reranker.rerank("fox", contractCandidates(), { topN }),
          "invalid-argument",
        );
      }
    });

    it("rejects with aborted when the signal has fired", { timeout }, async () => {
      const reranker = await options.create();
      const controller = new AbortController();
      controller.abort();
      await expectErrorCode(
        reranker.rerank("fox", contractCandidates(), { signal: controller.signal }),
        "aborted",
      );
    });
  });
}

import { afterEach, describe, expect, it } from "vitest";
import type { Document } from "../document.ts";
import type { DocumentIndex } from "../document-index.ts";
import type { Retriever } from "../retriever.ts";
import { contractCorpus, contractDocument } from "./contract-corpus.ts";
import { expectErrorCode } from "./expect-error.ts";
import { expectWellFormedRanking } from "./expect-ranked.ts";

export interface RetrieverUnderTest {
  readonly retriever: Retriever;
  /** The write side of the same store: what it writes, the retriever must see. */
  readonly index: DocumentIndex;
  /** Called after each test (drop the index, close clients). */
  close?(): Promise<void>;
}

export interface RetrieverContractOptions {
  /** Creates an empty store. Each test makes its own. */
  readonly create: () => Promise<RetrieverUnderTest>;
  /** Suite name suffix, e.g. "bm25 (english)". */
  readonly name?: string;
  /** Per-test timeout for slow backends (ms). */
  readonly timeoutMs?: number;
}

const allOf = { topK: 100 } as const;

/**
 * The behaviour every Retriever must have, whatever its scoring: embedded or server-backed,
 * lexical or dense. Relevance is only asserted where any sensible retriever agrees: a
 * document's own text retrieves it first.
 */
export function runRetrieverContract(options: RetrieverContractOptions): void {
  const open: RetrieverUnderTest[] = [];
  const timeout = options.timeoutMs ?? 20_000;

  async function storeWith(documents: readonly Document[]): Promise<RetrieverUnderTest> {
    const store = await options.create();
    open.push(store);
    if (documents.length > 0) {
      const report = await store.index.upsert(documents);
      expect(report.failed, "contract corpus indexes without failures").toEqual([]);
      expect(report.succeeded).toBe(documents.length);
    }
    return store;
  }

  describe(`Retriever contract${options.name ? `: ${options.name}` : ""}`, () => {
    afterEach(async () => {
      await Promise.all(open.splice(0).map((store) => store.close?.()));
    });

    it("retrieves each document first when queried with its own text", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      for (const document of contractCorpus) {
        const hits = await retriever.retrieve(document.text, allOf);
        expect(hits[0]?.id, `query = text of ${document.id}`).toBe(document.id);
        expectWellFormedRanking(hits);
      }
    });

    it("orders by score, ranks from 1 and records provenance", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      const hits = await retriever.retrieve("electricity from sunlight and wind", allOf);
      expect(hits.length).toBeGreaterThan(0);
      expectWellFormedRanking(hits);
      for (const hit of hits) {
        expect(hit.sources[retriever.name]).toEqual({
          status: "found",
          rank: hit.rank,
          score: hit.score,
        });
      }
    });

    it("returns at most topK hits", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      const query = contractDocument("prices").text;
      expect(await retriever.retrieve(query, { topK: 1 })).toHaveLength(1);
      expect((await retriever.retrieve(query, { topK: 2 })).length).toBeLessThanOrEqual(2);
      const all = await retriever.retrieve(query, { topK: 10_000 });
      expect(all.length).toBeLessThanOrEqual(contractCorpus.length);
      const top3 = await retriever.retrieve(query, { topK: 3 });
      expect(top3.map((hit) => hit.id)).toEqual(all.slice(0, 3).map((hit) => hit.id));
    });

    it("rejects invalid topK with invalid-argument", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      for (const topK of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expectErrorCode(retriever.retrieve("fox", { topK }), "invalid-argument");
      }
      await expectErrorCode(
        retriever.retrieve(42 as unknown as string, { topK: 3 }),
        "invalid-argument",
      );
    });

    it("returns nothing from an empty index", { timeout }, async () => {
      const { retriever, index } = await storeWith([]);
      expect(await index.count()).toBe(0);
      expect(await retriever.retrieve("quick brown fox", allOf)).toEqual([]);
    });

    it("returns nothing for an empty or blank query", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      expect(await retriever.retrieve("", allOf)).toEqual([]);
      expect(await retriever.retrieve("   \n\t", allOf)).toEqual([]);
    });

    it("applies metadata filters", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      const solar = contractDocument("solar").text;
      const english = await retriever.retrieve(solar, { topK: 100, filter: { lang: "en" } });
      expect(english[0]?.id).toBe("solar");
      expect(english.every((hit) => hit.document?.metadata?.lang === "en")).toBe(true);

      const french = await retriever.retrieve(solar, { topK: 100, filter: { lang: "fr" } });
      expect(french.map((hit) => hit.id)).not.toContain("solar");
      expect(french.every((hit) => hit.document?.metadata?.lang === "fr")).toBe(true);

      const recent = await retriever.retrieve(contractDocument("prices").text, {
        topK: 100,
        filter: { year: { gte: 2023 } },
      });
      expect(recent[0]?.id).toBe("prices");
      expect(recent.every((hit) => Number(hit.document?.metadata?.year) >= 2023)).toBe(true);

      const tagged = await retriever.retrieve(contractDocument("wind").text, {
        topK: 100,
        filter: { tags: ["energy", "games"], "source.kind": "web" },
      });
      expect(tagged[0]?.id).toBe("wind");
      expect(tagged.map((hit) => hit.id).every((id) => ["solar", "wind"].includes(id))).toBe(true);

      const drafts = await retriever.retrieve(contractDocument("prices").text, {
        topK: 100,
        filter: { draft: true },
      });
      expect(drafts.map((hit) => hit.id)).toEqual(["prices"]);
    });

    it("returns nothing when filtering on a field no document has", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      const hits = await retriever.retrieve(contractDocument("fox").text, {
        topK: 100,
        filter: { noSuchField: "x" },
      });
      expect(hits).toEqual([]);
    });

    it("rejects with aborted when the signal has fired", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      const controller = new AbortController();
      controller.abort(new Error("user navigated away"));
      await expectErrorCode(
        retriever.retrieve("fox", { topK: 5, signal: controller.signal }),
        "aborted",
      );
    });

    it("replaces a document written twice under one id (upsert)", { timeout }, async () => {
      const { retriever, index } = await storeWith(contractCorpus);
      const replacement = { id: "solar", text: "Hydrogen fuel cells power city buses quietly" };
      const report = await index.upsert([replacement]);
      expect(report).toEqual({ succeeded: 1, failed: [] });
      expect(await index.count()).toBe(contractCorpus.length);
      const hits = await retriever.retrieve(replacement.text, allOf);
      expect(hits[0]?.id).toBe("solar");
      expect(hits[0]?.document?.text).toBe(replacement.text);
      expect(hits.filter((hit) => hit.id === "solar")).toHaveLength(1);

      const batch = await index.upsert([
        { id: "twice", text: "first version about volcanoes" },
        { id: "twice", text: "second version about glaciers and ice" },
      ]);
      expect(batch.failed).toEqual([]);
      expect(await index.count()).toBe(contractCorpus.length + 1);
      const twice = await retriever.retrieve("second version about glaciers and ice", allOf);
      expect(twice[0]?.document?.text).toBe("second version about glaciers and ice");
      expect(twice.filter((hit) => hit.id === "twice")).toHaveLength(1);
    });

    it("forgets deleted documents", { timeout }, async () => {
      const { retriever, index } = await storeWith(contractCorpus);
      const report = await index.delete(["wind", "no-such-id"]);
      expect(report.succeeded).toBe(1);
      expect(await index.count()).toBe(contractCorpus.length - 1);
      const hits = await retriever.retrieve(contractDocument("wind").text, allOf);
      expect(hits.map((hit) => hit.id)).not.toContain("wind");
      expectWellFormedRanking(hits);
    });

    it("keeps unicode ids, text and metadata intact", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      for (const id of ["doc-東京-🙂", "cafe-é", "greek"]) {
        const document = contractDocument(id);
        const hits = await retriever.retrieve(document.text, allOf);
        expect(hits[0]?.id).toBe(id);
        expect(hits[0]?.document).toMatchObject({ id, text: document.text });
        expect(hits[0]?.document?.metadata).toEqual(document.metadata);
      }
    });

    it("attaches documents unless asked not to", { timeout }, async () => {
      const { retriever } = await storeWith(contractCorpus);
      const solar = contractDocument("solar");
      const [withDocument] = await retriever.retrieve(solar.text, { topK: 1 });
      expect(withDocument?.document).toEqual(solar);
      const [bare] = await retriever.retrieve(solar.text, { topK: 1, includeDocuments: false });
      expect(bare?.id).toBe("solar");
      expect(bare?.document).toBeUndefined();
    });

    it("reports invalid documents item by item and keeps the valid ones", { timeout }, async () => {
      const { retriever, index } = await storeWith([]);
      const report = await index.upsert([
        { id: "ok-1", text: "valid document about lighthouses" },
        { id: "", text: "empty id" } as Document,
        { id: "ok-2", text: 7 } as unknown as Document,
        { id: "ok-3", text: "another valid document about harbours" },
      ]);
      expect(report.succeeded).toBe(2);
      expect(report.failed.map((failure) => failure.index)).toEqual([1, 2]);
      expect(report.failed.every((failure) => failure.error.message.length > 0)).toBe(true);
      expect(await index.count()).toBe(2);
      const hits = await retriever.retrieve("valid document about lighthouses", allOf);
      expect(hits[0]?.id).toBe("ok-1");
    });
  });
}

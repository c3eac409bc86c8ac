import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BeirInMemory, evaluateRun, loadBeirInMemory, type Run } from "@hybrid-rag/eval";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";
import {
  luceneSearch,
  luceneVersion,
  type OracleHit,
  writeRecords,
} from "./testing/lucene-oracle.ts";
import { oracleAvailability, scifactFolder } from "./testing/oracle-availability.ts";

const oracle = oracleAvailability("the Lucene oracle parity test");

// Reference table of ../shared/datasets/README.md (top-100, trec_eval), measured with Debian's
// liblucene8-java: Lucene 8.8.1 per its jar manifest (the jar file names say 8.7.0).
const expectedLuceneVersion = "8.8.1";
const configurations = [
  { analyzer: "standard", k1: 1.2, b: 0.75, ndcg10: 0.6606, recall5: 0.7193, recall100: 0.8826 },
  { analyzer: "english", k1: 1.2, b: 0.75, ndcg10: 0.6826, recall5: 0.7429, recall100: 0.9282 },
  { analyzer: "english", k1: 0.9, b: 0.4, ndcg10: 0.6789, recall5: 0.7426, recall100: 0.9253 },
] as const;

describe.skipIf(oracle.skip)("Lucene oracle parity on SciFact (top-100)", () => {
  let data: BeirInMemory;
  let folder: string;

  beforeAll(async () => {
    oracle.require();
    data = await loadBeirInMemory(scifactFolder);
    folder = mkdtempSync(join(tmpdir(), "bm25-oracle-"));
    writeRecords(
      join(folder, "docs.tsv"),
      data.documents.map((d) => [d.id, `${d.title ?? ""} ${d.text}`]),
    );
    writeRecords(
      join(folder, "queries.tsv"),
      data.queries.map((q) => [q.id, q.text]),
    );
  });

  it(`runs Lucene ${expectedLuceneVersion}, as the jar manifest says`, { timeout: 60_000 }, () => {
    const found = luceneVersion();
    console.info(
      `Lucene oracle: ${found.version} (manifest ${found.specificationVersion}, ${found.implementationVersion})`,
    );
    expect(found.version).toBe(expectedLuceneVersion);
    expect(found.specificationVersion).toBe(expectedLuceneVersion);
  });

  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  for (const configuration of configurations) {
    const { analyzer, k1, b } = configuration;
    it(`${analyzer} k1=${k1} b=${b}: same ranking, same scores, same metrics`, {
      timeout: 120_000,
    }, async () => {
      const lucene = luceneSearch({
        analyzer,
        k1,
        b,
        topK: 100,
        documentsFile: join(folder, "docs.tsv"),
        queriesFile: join(folder, "queries.tsv"),
      });
      const index = createBm25Index({ analyzer, k1, b });
      expect((await index.upsert(data.documents)).failed).toEqual([]);
      const ours: Run = new Map();
      for (const query of data.queries) {
        const hits = await index.retrieve(query.text, { topK: 100, includeDocuments: false });
        ours.set(
          query.id,
          hits.map((hit) => ({ docId: hit.id, score: hit.score })),
        );
      }
      let identical = 0;
      let maxRelativeDifference = 0;
      let notBitIdentical = 0;
      const differing: string[] = [];
      for (const query of data.queries) {
        const expected = lucene.get(query.id) ?? [];
        const actual = ours.get(query.id) ?? [];
        if (sameRanking(expected, actual)) identical++;
        else differing.push(query.id);
        const luceneScores = new Map(expected.map((hit) => [hit.docId, hit.score]));
        for (const hit of actual) {
          const score = luceneScores.get(hit.docId);
          if (score === undefined) continue;
          if (score !== hit.score) notBitIdentical++;
          maxRelativeDifference = Math.max(
            maxRelativeDifference,
            Math.abs(hit.score - score) / Math.abs(score),
          );
        }
      }
      const { mean } = evaluateRun(ours, data.qrels, ["ndcg@10", "recall@5", "recall@100"]);
      const metrics = {
        ndcg10: round4(mean["ndcg@10"]!),
        recall5: round4(mean["recall@5"]!),
        recall100: round4(mean["recall@100"]!),
      };
      console.info(
        `bm25 vs Lucene, ${analyzer} k1=${k1} b=${b}: ${identical}/${data.queries.length} identical top-100, ` +
          `max relative score difference ${maxRelativeDifference} (${notBitIdentical} shared hits not bit-identical as float32), ` +
          `differing queries [${differing.join(", ")}], nDCG@10 ${metrics.ndcg10}, ` +
          `recall@5 ${metrics.recall5}, recall@100 ${metrics.recall100}`,
      );
      // What the engine achieves, asserted exactly: every query's top-100 identical, every
      // shared hit's float32 score bit-identical to Lucene's.
      expect(differing).toEqual([]);
      expect(identical).toBe(data.queries.length);
      expect(notBitIdentical).toBe(0);
      expect(maxRelativeDifference).toBe(0);
      expect(metrics).toEqual({
        ndcg10: configuration.ndcg10,
        recall5: configuration.recall5,
        recall100: configuration.recall100,
      });
    });
  }
});

/** Same id sequence, except that hits with exactly equal scores (ties) may come in any order. */
function sameRanking(
  expected: readonly OracleHit[],
  actual: ReadonlyArray<{ docId: string; score: number }>,
): boolean {
  if (expected.length !== actual.length) return false;
  const canonical = (hits: ReadonlyArray<{ docId: string; score: number }>) => {
    const groups: string[][] = [];
    let groupScore = Number.NaN;
    for (const hit of hits) {
      if (groups.length > 0 && hit.score === groupScore) {
        groups[groups.length - 1]!.push(hit.docId);
      } else {
        groups.push([hit.docId]);
        groupScore = hit.score;
      }
    }
    return groups.map((group) => group.sort().join(",")).join("|");
  };
  return canonical(expected) === canonical(actual);
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

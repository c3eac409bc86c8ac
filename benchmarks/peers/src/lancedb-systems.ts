import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as lancedb from "@lancedb/lancedb";
import { type DataType, Field, FixedSizeList, Float32, Schema, Utf8 } from "apache-arrow";
import { type Corpus, indexedText } from "./corpus.ts";
import type { PeerSystem } from "./peer-system.ts";

export type LanceDbMode = "fts" | "flat" | "ivf-pq" | "hybrid";

/**
 * LanceDB (embedded, Rust via N-API) over a table in a temporary folder: native full-text search
 * (its BM25 index, default tokenizer: English stemming, stop words removed), vectors by flat scan
 * (no index: exact) or through an IVF-PQ index (cosine), and its hybrid query (FTS + vectors,
 * fused by its RRF reranker, k = 60). The folder is deleted on close.
 */
export function lancedbSystem(mode: LanceDbMode): PeerSystem {
  const folder = mkdtempSync(join(tmpdir(), "peers-lancedb-"));
  let table: lancedb.Table | undefined;
  let corpusQueries: Corpus["queries"] = [];
  let queryVectors: readonly Float32Array[] = [];
  let reranker: lancedb.rerankers.RRFReranker | undefined;
  return {
    async build(corpus) {
      corpusQueries = corpus.queries;
      queryVectors = corpus.vectors.queries;
      const withVectors = mode !== "fts";
      const fields: Field<DataType>[] = [
        new Field("id", new Utf8()),
        new Field("text", new Utf8()),
      ];
      if (withVectors) {
        const item = new Field("item", new Float32(), true);
        fields.push(new Field("vector", new FixedSizeList(corpus.vectors.dimension, item)));
      }
      const rows = corpus.documents.map((document, row) => ({
        id: document.id,
        text: indexedText(document),
        ...(withVectors ? { vector: corpus.vectors.documents[row]! } : {}),
      }));
      const database = await lancedb.connect(folder);
      table = await database.createTable(
        "documents",
        lancedb.makeArrowTable(rows, { schema: new Schema(fields) }),
        {
          mode: "overwrite",
        },
      );
      if (mode === "fts" || mode === "hybrid") {
        await table.createIndex("text", { config: lancedb.Index.fts() });
      }
      if (mode === "ivf-pq") {
        // LanceDB's guidance: about √rows partitions, sub-vectors of 8–16 dimensions.
        const numPartitions = Math.max(1, Math.round(Math.sqrt(rows.length)));
        const numSubVectors = Math.max(1, Math.floor(corpus.vectors.dimension / 16));
        await table.createIndex("vector", {
          config: lancedb.Index.ivfPq({ numPartitions, numSubVectors, distanceType: "cosine" }),
        });
      }
      if (mode === "hybrid") reranker = await lancedb.rerankers.RRFReranker.create(60);
    },
    async search(queryIndex, topK) {
      const text = corpusQueries[queryIndex]!.text;
      const vector = queryVectors[queryIndex]!;
      let query: lancedb.Query | lancedb.VectorQuery;
      if (mode === "fts") query = table!.query().fullTextSearch(text).select(["id", "_score"]);
      else if (mode === "hybrid") {
        query = table!
          .query()
          .fullTextSearch(text)
          .nearestTo(vector)
          .distanceType("cosine")
          .rerank(reranker!);
        query = query.select(["id"]);
      } else {
        query = table!.query().nearestTo(vector).distanceType("cosine").select(["id", "_distance"]);
        if (mode === "flat") query = query.bypassVectorIndex();
      }
      const rows = (await query.limit(topK).toArray()) as Array<{ id: string }>;
      return rows.map((row) => row.id);
    },
    async close() {
      table?.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

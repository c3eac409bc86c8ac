import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBm25Index } from "@hybrid-rag/bm25";
import { luceneBenchmarkCommand, writeRecords } from "@hybrid-rag/bm25/testing";
import { create, insertMultiple, search } from "@orama/orama";
import MiniSearch from "minisearch";
import winkBm25 from "wink-bm25-text-search";
import type { Corpus } from "./corpora.ts";
import { measure } from "./measure.ts";
import { warmUpPolicy } from "./warm-up.ts";

export interface EngineResult {
  readonly engine: string;
  readonly indexMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly queriesPerSecond: number;
  readonly memoryBytes: number;
  readonly warmUpPasses: number;
  readonly warmUpStable: boolean;
}

export interface RunSettings {
  readonly topK: number;
  readonly rounds: number;
}

const peerTokens = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

export async function runHybridRag(corpus: Corpus, settings: RunSettings): Promise<EngineResult> {
  let index = createBm25Index();
  return measure("@hybrid-rag/bm25", corpus, settings, {
    build: async (documents) => {
      index = createBm25Index({ batchSize: 10_000 });
      await index.upsert(documents);
    },
    query: (text) => index.retrieve(text, { topK: settings.topK, includeDocuments: false }),
  });
}

export async function runMiniSearch(corpus: Corpus, settings: RunSettings): Promise<EngineResult> {
  let engine = new MiniSearch({ fields: ["text"] });
  return measure("MiniSearch", corpus, settings, {
    build: async (documents) => {
      engine = new MiniSearch({ fields: ["text"], tokenize: peerTokens });
      engine.addAll(
        documents.map((document) => ({
          id: document.id,
          text: `${document.title ?? ""} ${document.text}`,
        })),
      );
    },
    query: async (text) => engine.search(text).slice(0, settings.topK),
  });
}

export async function runOrama(corpus: Corpus, settings: RunSettings): Promise<EngineResult> {
  const schema = { text: "string" } as const;
  let database = create({ schema });
  return measure("Orama", corpus, settings, {
    build: async (documents) => {
      database = create({ schema });
      await insertMultiple(
        database,
        documents.map((document) => ({ text: `${document.title ?? ""} ${document.text}` })),
        10_000,
      );
    },
    query: async (text) => search(database, { term: text, limit: settings.topK }),
  });
}

export async function runWink(corpus: Corpus, settings: RunSettings): Promise<EngineResult> {
  let engine = winkBm25();
  return measure("wink-bm25-text-search", corpus, settings, {
    build: async (documents) => {
      engine = winkBm25();
      engine.defineConfig({ fldWeights: { text: 1 } });
      engine.definePrepTasks([peerTokens]);
      documents.forEach((document, index) => {
        engine.addDoc({ text: `${document.title ?? ""} ${document.text}` }, index);
      });
      engine.consolidate();
    },
    query: async (text) => engine.search(text, settings.topK),
  });
}

/** Lucene 8.8.1 (Debian's jars, named 8.7.0) timing its own indexing and (JIT-warmed) search in the oracle's bench mode. */
export function runLucene(corpus: Corpus, settings: RunSettings): EngineResult {
  const folder = mkdtempSync(join(tmpdir(), "bm25-bench-"));
  try {
    const documents = join(folder, "docs.tsv");
    const queries = join(folder, "queries.tsv");
    writeRecords(
      documents,
      corpus.documents.map((document) => [document.id, `${document.title ?? ""} ${document.text}`]),
    );
    writeRecords(
      queries,
      corpus.queries.map((text, index) => [`q${index}`, text]),
    );
    const args = luceneBenchmarkCommand([
      "standard",
      "1.2",
      "0.75",
      String(settings.topK),
      documents,
      queries,
      String(settings.rounds),
      String(warmUpPolicy.minPasses),
      String(warmUpPolicy.minSeconds),
      String(warmUpPolicy.tolerance),
      String(warmUpPolicy.maxPasses),
      String(warmUpPolicy.maxSeconds),
    ]);
    const output = execFileSync("java", ["-Xmx10g", "-XX:+UseParallelGC", ...args], {
      maxBuffer: 1 << 26,
    }).toString("utf8");
    const stats = JSON.parse(output.trim().split("\n").pop()!) as Record<string, number>;
    return {
      engine: "Lucene 8.8.1",
      indexMs: stats.indexMs!,
      p50Ms: stats.p50Ms!,
      p99Ms: stats.p99Ms!,
      queriesPerSecond: (stats.queries! / stats.totalMs!) * 1000,
      memoryBytes: stats.heapBytes!,
      warmUpPasses: stats.warmUpPasses!,
      warmUpStable: stats.warmUpStable === 1,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

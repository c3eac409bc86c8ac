import { createChunker } from "@hybrid-rag/chunking";
import { loadFolderOrFile as corpusSource } from "@hybrid-rag/cli";
import { type CollectionIndex, DocumentStore, HybridCollection } from "@hybrid-rag/collection";
import type { LoadResult, SkippedSource } from "@hybrid-rag/loaders";
import { corpusReport } from "./corpus-report.ts";
import type { DemoEngine } from "./demo-engine.ts";
import { exampleQueries, storedTitles } from "./example-queries.ts";
import { loadCorpusChunks } from "./load-corpus-chunks.ts";

export interface IngestedCorpus {
  /** Documents read (one per id, before chunking). */
  readonly documents: number;
  /** What was written to the stages: chunks. */
  readonly chunks: number;
  readonly failed: number;
  /** Warnings to print: each duplicate id and skipped file (the first 20 of each). */
  readonly warnings: readonly string[];
  /** The counts for the summary line ("N records read, N duplicate ids (…), N files skipped"). */
  readonly counts: string;
  /** "Try:" queries from the documents' titles and headings. */
  readonly examples: readonly string[];
}

const chunkTokens = 200;

const isCollectionIndex = (value: unknown): value is CollectionIndex =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as CollectionIndex).retrieve === "function" &&
  typeof (value as CollectionIndex).upsert === "function";

/**
 * A folder or a single file is read by `@hybrid-rag/loaders` (the one reader: its budgets, its
 * id rule, and its duplicate rule, the first document of an id wins) and chunked. With both a
 * sparse and a dense stage it is ingested through `HybridCollection` (one store); with one of
 * them off, the chunks go to the stage that is on. Every duplicate and skipped file is reported.
 */
export async function ingestCorpus(engine: DemoEngine, path: string): Promise<IngestedCorpus> {
  const source = await corpusSource(path);
  const { sparse, dense } = engine.components;
  if (isCollectionIndex(sparse) && isCollectionIndex(dense)) {
    const collection = new HybridCollection({
      sparse,
      dense,
      store: new DocumentStore(),
      chunker: createChunker({ maxTokens: chunkTokens }),
    });
    const skipped: SkippedSource[] = [];
    const summary = await collection.ingest(keepSkipped(source, skipped));
    return {
      documents: summary.documents - summary.duplicates,
      chunks: summary.chunks,
      failed: summary.failed,
      examples: exampleQueries(storedTitles(collection.store)),
      ...report(summary.documents - summary.duplicates, skipped),
    };
  }
  const corpus = await loadCorpusChunks(source, chunkTokens);
  const ingested = await engine.ingest(corpus.documents);
  return {
    documents: corpus.parents,
    chunks: corpus.documents.length,
    failed: ingested.failed,
    examples: exampleQueries(
      corpus.documents
        .filter((chunk) => chunk.metadata.chunkIndex === 0)
        .map((chunk) => ({ title: chunk.title, heading: chunk.metadata.headingPath[0] })),
    ),
    ...report(corpus.parents, corpus.skipped),
  };
}

/** Passes the results on, keeping a copy of each skipped one (with its code) for the report. */
async function* keepSkipped(
  results: AsyncIterable<LoadResult>,
  skipped: SkippedSource[],
): AsyncGenerator<LoadResult> {
  for await (const result of results) {
    if (result.kind === "skipped") skipped.push(result);
    yield result;
  }
}

/** Splits the loaders' skipped sources into repeated ids and the rest, for the summary. */
function report(documents: number, skipped: readonly SkippedSource[]) {
  const isDuplicate = (entry: SkippedSource) => entry.code === "duplicate-id";
  const duplicates = skipped.filter(isDuplicate);
  return corpusReport({
    records: documents + duplicates.length,
    duplicates: duplicates.map(({ source, reason }) => `duplicate id in ${source}: ${reason}`),
    policy: "first wins",
    skipped: skipped.filter((entry) => !isDuplicate(entry)),
  });
}

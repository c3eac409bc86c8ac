import { stat } from "node:fs/promises";
import { createChunker } from "@hybrid-rag/chunking";
import { type CollectionIndex, DocumentStore, HybridCollection } from "@hybrid-rag/collection";
import type { SkippedSource } from "@hybrid-rag/loaders";
import { loadFolder } from "@hybrid-rag/loaders";
import type { DemoEngine } from "./demo-engine.ts";
import { loadCorpusChunks } from "./load-corpus-chunks.ts";

export interface IngestedCorpus {
  readonly documents: number;
  readonly chunks: number;
  readonly failed: number;
  readonly skipped: readonly SkippedSource[];
}

const chunkTokens = 200;

const isCollectionIndex = (value: unknown): value is CollectionIndex =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as CollectionIndex).retrieve === "function" &&
  typeof (value as CollectionIndex).upsert === "function";

/**
 * With both a sparse and a dense stage, a folder is ingested through `HybridCollection` (loaders
 * → chunker → both indexes, one store); with one of them off, the same loaders and chunker feed
 * the stage that is on. A single .jsonl file is read one document per line, unchunked.
 */
export async function ingestCorpus(engine: DemoEngine, path: string): Promise<IngestedCorpus> {
  const { sparse, dense } = engine.components;
  const isFolder = await stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (isFolder && isCollectionIndex(sparse) && isCollectionIndex(dense)) {
    const collection = new HybridCollection({
      sparse,
      dense,
      store: new DocumentStore(),
      chunker: createChunker({ maxTokens: chunkTokens }),
    });
    const skipped: SkippedSource[] = [];
    collection.events.on("source-skipped", ({ source, reason }) =>
      skipped.push({ kind: "skipped", source, reason }),
    );
    const summary = await collection.ingest(loadFolder(path));
    return {
      documents: summary.documents,
      chunks: summary.chunks,
      failed: summary.failed,
      skipped,
    };
  }
  const corpus = await loadCorpusChunks(path, chunkTokens);
  const report = await engine.ingest(corpus.documents);
  return {
    documents: corpus.parents,
    chunks: corpus.documents.length,
    failed: report.failed,
    skipped: corpus.skipped,
  };
}

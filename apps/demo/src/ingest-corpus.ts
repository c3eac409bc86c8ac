import { stat } from "node:fs/promises";
import { createChunker } from "@hybrid-rag/chunking";
import { type CollectionIndex, DocumentStore, HybridCollection } from "@hybrid-rag/collection";
import type { SkippedSource } from "@hybrid-rag/loaders";
import { loadFolder } from "@hybrid-rag/loaders";
import { corpusReport } from "./corpus-report.ts";
import type { DemoEngine } from "./demo-engine.ts";
import { type FolderDuplicate, loadCorpusChunks } from "./load-corpus-chunks.ts";
import { loadCorpus } from "./load-documents.ts";

export interface IngestedCorpus {
  /** Documents read (one per id, before chunking). */
  readonly documents: number;
  /** What was written to the stages: chunks, or the records of a single file. */
  readonly chunks: number;
  readonly failed: number;
  /** Warnings to print: each duplicate id and skipped file (the first 20 of each). */
  readonly warnings: readonly string[];
  /** The counts for the summary line ("N records read, N duplicate ids (…), N files skipped"). */
  readonly counts: string;
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
 * the stage that is on. A single file (.jsonl, .txt, .md) is read with `loadCorpus`, one
 * document per record, unchunked, later records of an id replacing earlier ones. In a folder the
 * first document of an id is kept. Either way every duplicate and skipped file is reported.
 */
export async function ingestCorpus(engine: DemoEngine, path: string): Promise<IngestedCorpus> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) {
    const corpus = await loadCorpus(path, { onDuplicateId: "last-wins" });
    const report = await engine.ingest(corpus.documents);
    return {
      documents: corpus.documents.length,
      chunks: corpus.documents.length,
      failed: report.failed,
      ...corpusReport({
        records: corpus.records,
        duplicates: corpus.duplicates.map(
          ({ id, replaced, keptFrom }) =>
            `duplicate id ${JSON.stringify(id)}: the record at ${replaced} was replaced by the one at ${keptFrom} (last wins)`,
        ),
        policy: "last wins",
        skipped: corpus.skipped.map(({ path: source, reason }) => ({ source, reason })),
      }),
    };
  }
  const { sparse, dense } = engine.components;
  if (isCollectionIndex(sparse) && isCollectionIndex(dense)) {
    const collection = new HybridCollection({
      sparse,
      dense,
      store: new DocumentStore(),
      chunker: createChunker({ maxTokens: chunkTokens }),
    });
    const skipped: SkippedSource[] = [];
    const duplicates: FolderDuplicate[] = [];
    collection.events.on("source-skipped", ({ source, reason }) =>
      skipped.push({ kind: "skipped", source, reason }),
    );
    collection.events.on("document-duplicate", ({ parentId, source }) =>
      duplicates.push({ id: parentId, source }),
    );
    const summary = await collection.ingest(loadFolder(path));
    return {
      documents: summary.documents - summary.duplicates,
      chunks: summary.chunks,
      failed: summary.failed,
      ...folderReport(summary.documents, duplicates, skipped),
    };
  }
  const corpus = await loadCorpusChunks(path, chunkTokens);
  const report = await engine.ingest(corpus.documents);
  return {
    documents: corpus.parents,
    chunks: corpus.documents.length,
    failed: report.failed,
    ...folderReport(corpus.parents + corpus.duplicates.length, corpus.duplicates, corpus.skipped),
  };
}

function folderReport(
  records: number,
  duplicates: readonly FolderDuplicate[],
  skipped: readonly SkippedSource[],
): { warnings: string[]; counts: string } {
  return corpusReport({
    records,
    duplicates: duplicates.map(
      ({ id, source }) =>
        `duplicate id ${JSON.stringify(id)} in ${source}: not indexed, the first document with this id is kept (first wins)`,
    ),
    policy: "first wins",
    skipped,
  });
}

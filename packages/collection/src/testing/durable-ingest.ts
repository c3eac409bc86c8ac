import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Document, Embedder } from "@hybrid-rag/core";
import type { IngestSummary } from "../collection-events.ts";
import { lockCollection } from "../collection-lock.ts";
import { createEmbeddedCollection } from "../embedded-collection.ts";
import { openCollection } from "../open-collection.ts";

/**
 * One durable ingest as the CLI runs it: take the writer lock (recovering a killed writer's),
 * open the collection (or create it), ingest with checkpoints, release.
 */
export async function durableIngest(
  directory: string,
  documents: Iterable<Document> | AsyncIterable<Document>,
  options: { embedder?: Embedder; everyDocuments?: number; batchChunks?: number } = {},
): Promise<IngestSummary> {
  const lock = await lockCollection(directory, { waitMs: 20_000 });
  try {
    const embedder = options.embedder;
    const collection = existsSync(join(directory, "manifest.json"))
      ? await openCollection(directory, embedder ? { embedder } : {})
      : createEmbeddedCollection(
          embedder ? { embedder, chunking: { maxTokens: 48 } } : { chunking: { maxTokens: 48 } },
        );
    return await collection.ingest(documents, {
      batchChunks: options.batchChunks ?? 16,
      checkpoint: {
        directory,
        lock,
        input: "generated",
        everyDocuments: options.everyDocuments ?? 5,
      },
    });
  } finally {
    await lock.release();
  }
}

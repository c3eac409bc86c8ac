import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { type CliIo, ingestCommand } from "@hybrid-rag/cli";
import type { IngestSummary } from "@hybrid-rag/collection";
import { parsePipelineSpec } from "@hybrid-rag/pipeline";
import type { DemoConfig } from "./demo-config.ts";

/** The demo's chunk size, as before it ingested through the CLI. */
const chunkTokens = 200;

/**
 * The demo's BM25 has always stemmed and dropped stop words; the manifest records it, so
 * `hybrid-rag search` on the cached directory ranks alike.
 */
const analyzer = "english";

/** How long a second demo on the same folder waits for the first one's ingest. */
const waitForOtherWriterSeconds = 600;

export interface CorpusCollection {
  /** The collection directory (under the cache), opened like any `hybrid-rag ingest` output. */
  readonly directory: string;
  readonly summary: IngestSummary;
}

/**
 * `pnpm demo <folder>` on the embedded engines: the folder is ingested by `hybrid-rag ingest`'s
 * own code into a collection kept in the cache, one per folder and embedding model, so a second
 * start re-reads and hashes the files but embeds only what changed (documents whose files are
 * gone are removed). Progress and the summary are the CLI's, printed to `io`.
 */
export async function ingestIntoCache(config: DemoConfig, io: CliIo): Promise<CorpusCollection> {
  const embeddingModel = await embeddingModelOf(config);
  const directory = cacheDirectoryFor(config, embeddingModel);
  io.stderr.write(
    `hybrid-rag demo: ingesting ${config.corpusPath} into ${directory} (${embeddingModel === "none" ? "BM25 only" : `embedding model ${embeddingModel}`}; unchanged files are not embedded again)\n`,
  );
  const { summary } = await ingestCommand(
    config.corpusPath,
    {
      spec: {
        spec: parsePipelineSpec(
          {
            version: 1,
            ...(embeddingModel === "none" ? {} : { embedder: { model: embeddingModel } }),
            chunking: { maxTokens: chunkTokens },
            executionProvider: config.executionProvider,
          },
          "the demo's ingest settings",
        ),
        chosen: new Set(["embedder.model"] as const),
      },
      into: directory,
      removeMissing: true,
      progress: true,
      json: false,
      wait: waitForOtherWriterSeconds,
      workers: availableParallelism(),
      analyzer,
      loader: { pdf: { pageImages: config.pageImages } },
    },
    io,
  );
  return { directory, summary };
}

/**
 * `EMBEDDING_MODEL_PATH`, or USE-lite (offline, from npm) without one; an empty folder (what
 * compose mounts when none is given) means no dense side.
 */
async function embeddingModelOf(config: DemoConfig): Promise<string> {
  const path = config.embeddingModelPath;
  if (path === undefined) return "use-lite";
  const entries = await readdir(path).catch(() => undefined);
  return entries !== undefined && entries.length === 0 ? "none" : path;
}

/**
 * One directory per corpus path, embedding model, analyzer and page-image setting: a collection
 * keeps the model and analyzer it was built with, and an unchanged file is not read again, so
 * turning page images on must not reuse a collection built without them.
 */
export function cacheDirectoryFor(config: DemoConfig, embeddingModel: string): string {
  const pageImages = config.pageImages === "none" ? "" : `\npage-images=${config.pageImages}`;
  const key = createHash("sha256")
    .update(`${config.corpusPath}\n${embeddingModel}\n${analyzer}${pageImages}`)
    .digest("hex")
    .slice(0, 16);
  const name =
    basename(config.corpusPath)
      .replace(/[^\w.-]+/g, "_")
      .slice(0, 60) || "corpus";
  return join(config.cacheDirectory, `${name}-${key}`);
}

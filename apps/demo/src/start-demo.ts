import { type CliIo, processIo } from "@hybrid-rag/cli";
import { HybridRagError } from "@hybrid-rag/core";
import { buildDemoComponents } from "./build-demo-components.ts";
import { openCollectionComponents } from "./collection-components.ts";
import { ingestIntoCache } from "./corpus-collection.ts";
import type { DemoConfig } from "./demo-config.ts";
import { DemoEngine } from "./demo-engine.ts";
import { createDemoServer } from "./demo-server.ts";
import { ingestCorpus } from "./ingest-corpus.ts";

export interface RunningDemo {
  readonly url: string;
  readonly engine: DemoEngine;
  /** The collection directory searched (embedded engines), undefined on the compose stack. */
  readonly collection: string | undefined;
  close(): Promise<void>;
}

export interface StartDemoOptions {
  /** Where the ingest's progress and summary go (the process streams by default). */
  readonly io?: CliIo;
}

/**
 * Embedded (the default): opens the collection directory of `--collection` as it is, or ingests
 * the corpus into a collection in the cache first (only what changed since the last start), and
 * serves the page over it. On the compose stack (a server URL set): fills fresh indexes.
 */
export async function startDemo(
  config: DemoConfig,
  options: StartDemoOptions = {},
): Promise<RunningDemo> {
  const io = options.io ?? processIo;
  const onStack = config.elasticsearchUrl !== undefined || config.qdrantUrl !== undefined;
  if (onStack && config.collectionPath !== undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `--collection ${config.collectionPath} opens an embedded collection, but ELASTICSEARCH_URL or QDRANT_URL is set: unset them to open the collection, or leave --collection out to ingest the corpus into the servers.`,
    );
  }
  return onStack ? startOnStack(config, io) : startOnCollection(config, io);
}

async function startOnCollection(config: DemoConfig, io: CliIo): Promise<RunningDemo> {
  const started = performance.now();
  let directory = config.collectionPath;
  if (directory === undefined) {
    const ingested = await ingestIntoCache(config, io);
    directory = ingested.directory;
    // The loaders skip a repeated id (first wins) with this reason; the collection counts its own.
    const duplicates =
      ingested.summary.duplicates +
      ingested.summary.skipped.filter((entry) =>
        entry.reason.endsWith("the first document with an id is kept"),
      ).length;
    if (duplicates > 0) {
      io.stdout.write(
        `${duplicates} duplicate id${duplicates === 1 ? "" : "s"} skipped (first wins: the first document of an id is kept, later ones are skipped)\n`,
      );
    }
  }
  const components = await openCollectionComponents(directory, config, {
    modelFromManifest: config.collectionPath === undefined,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.stdout.write(
    `opened ${directory}: ${components.corpus.documents} documents, ${components.corpus.chunks} chunks (ready in ${seconds} s)\n`,
  );
  return serve(config, new DemoEngine(components), directory, {
    source: config.collectionPath ?? config.corpusPath,
    ...components.corpus,
  });
}

async function startOnStack(config: DemoConfig, io: CliIo): Promise<RunningDemo> {
  const components = await buildDemoComponents(config);
  let corpus: Awaited<ReturnType<typeof ingestCorpus>>;
  try {
    const started = performance.now();
    corpus = await ingestCorpus(new DemoEngine(components), config.corpusPath);
    for (const warning of corpus.warnings) io.stderr.write(`${warning}\n`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.stdout.write(
      `indexed ${corpus.chunks - corpus.failed} of ${corpus.chunks} chunks (${corpus.documents} documents) from ${config.corpusPath} in ${seconds} s (${corpus.counts}, ${corpus.failed} failed)\n`,
    );
  } catch (error) {
    await components.close?.();
    throw error;
  }
  // serve() closes the components if it cannot listen.
  return serve(config, new DemoEngine({ ...components, examples: corpus.examples }), undefined, {
    source: config.corpusPath,
    documents: corpus.documents,
    chunks: corpus.chunks,
  });
}

async function serve(
  config: DemoConfig,
  engine: DemoEngine,
  collection: string | undefined,
  corpus: { source: string; documents: number; chunks: number },
): Promise<RunningDemo> {
  try {
    const app = createDemoServer({ engine, corpus, logLevel: config.logLevel });
    const url = await app.listen({ host: config.host, port: config.port });
    return {
      url,
      engine,
      collection,
      async close() {
        await app.close();
        await engine.components.close?.();
      },
    };
  } catch (error) {
    await engine.components.close?.();
    throw error;
  }
}

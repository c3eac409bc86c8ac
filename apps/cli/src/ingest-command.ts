import { readdir, stat } from "node:fs/promises";
import {
  type CollectionLock,
  createEmbeddedCollection,
  type EmbeddedCollection,
  type IngestProgress,
  type IngestStageTimes,
  type IngestSummary,
  lockCollection,
  openCollection,
  readCollectionManifest,
} from "@hybrid-rag/collection";
import { HybridRagError } from "@hybrid-rag/core";
import { type LoadFolderOptions, type LoadResult, printablePath } from "@hybrid-rag/loaders";
import { type BuiltEmbedder, buildEmbedder } from "@hybrid-rag/pipeline";
import cliProgress from "cli-progress";
import type { CliIo } from "./cli-io.ts";
import { chunkingCounterFor } from "./collection-model.ts";
import { ingestRates } from "./ingest-rates.ts";
import { loadFolderOrFile } from "./load-source.ts";
import type { CommandSpec } from "./spec-options.ts";
import { escapeForTerminal } from "./terminal-text.ts";

export interface IngestFlags {
  /** The embedder and chunking (flags over `--spec` over the CLI's defaults). */
  readonly spec: CommandSpec;
  readonly into: string;
  readonly removeMissing: boolean;
  readonly progress: boolean;
  readonly json: boolean;
  /** Seconds to wait for another writer of the collection to finish (default 0: fail at once). */
  readonly wait?: number;
  /** Budgets and link rule for the loaders (`--max-*`, `--file-timeout`, `--follow-symlinks`). */
  readonly loader?: LoadFolderOptions;
  /** Embedding worker threads (one model each); 0 embeds on the main thread. */
  readonly workers: number;
  /** BM25 analyzer of a new collection (default standard); an existing one keeps its own. */
  readonly analyzer?: "standard" | "english";
}

export interface IngestOutcome {
  readonly summary: IngestSummary;
  /** The version saved, or undefined when every new or changed document failed. */
  readonly version: number | undefined;
}

/**
 * `hybrid-rag ingest <folder> --into <dir>`: creates or updates a collection, then saves it.
 * Holds the collection's writer lock from before it reads the current version until the new
 * one is saved, so two ingests into one directory run one after the other (`--wait`) or the
 * second fails with `locked`; searches never wait. Failed documents keep their previous version;
 * when every new or changed document failed, nothing is saved.
 *
 * `--embedding-model none` makes (or keeps) a BM25-only collection; a model named for a
 * BM25-only collection first embeds every stored chunk (from the store, no file is read again),
 * and the collection is hybrid from then on.
 */
export async function ingestCommand(
  folder: string,
  flags: IngestFlags,
  io: CliIo,
): Promise<IngestOutcome> {
  // Read before loading a model (which may mean a download); the open under the lock re-checks.
  const manifest = await readCollectionManifest(flags.into);
  if (manifest && flags.analyzer && flags.analyzer !== manifest.bm25.analyzer) {
    throw new HybridRagError(
      "invalid-argument",
      `${flags.into} was indexed with the ${manifest.bm25.analyzer} analyzer, not ${flags.analyzer}: leave --analyzer out to keep it, or ingest into a new --into directory.`,
    );
  }
  const { spec, chosen } = flags.spec;
  // A model left at its default does not turn a BM25-only collection hybrid.
  const bm25Only =
    spec.embedder === undefined || (manifest?.embedder === null && !chosen.has("embedder.model"));
  if (bm25Only && manifest?.embedder) {
    throw new HybridRagError(
      "invalid-argument",
      `${flags.into} is a hybrid collection built with embedder ${manifest.embedder.name}: ingest into it with that model (or leave --embedding-model out to use it), or pass --embedding-model none with a new --into directory for a BM25-only collection.`,
    );
  }
  const { release, ...loaded }: Partial<BuiltEmbedder> =
    bm25Only || !spec.embedder
      ? {}
      : await buildEmbedder(spec.embedder, {
          executionProvider: spec.executionProvider,
          options: { embedderWorkers: flags.workers },
        });
  try {
    const lock = await lockCollection(flags.into, { waitMs: (flags.wait ?? 0) * 1000 });
    try {
      return await ingestLocked(folder, flags, io, loaded, lock);
    } finally {
      await lock.release();
    }
  } finally {
    await release?.();
  }
}

async function ingestLocked(
  folder: string,
  flags: IngestFlags,
  io: CliIo,
  { embedder, tokenCounter, modelMaxTokens }: Partial<Omit<BuiltEmbedder, "release">>,
  lock: CollectionLock,
): Promise<IngestOutcome> {
  const manifest = await readCollectionManifest(flags.into);
  const chunking = flags.spec.spec.chunking ?? { maxTokens: 256 };
  const collection: EmbeddedCollection = manifest
    ? await openExisting(flags.into, manifest, embedder, tokenCounter, io)
    : createEmbeddedCollection({
        ...(embedder ? { embedder } : {}),
        ...(flags.analyzer ? { bm25: { analyzer: flags.analyzer } } : {}),
        chunking: {
          maxTokens: Math.min(chunking.maxTokens, modelMaxTokens ?? Number.POSITIVE_INFINITY),
          ...(chunking.overlapTokens !== undefined
            ? { overlapTokens: chunking.overlapTokens }
            : {}),
          ...(tokenCounter ? { tokenCounter } : {}),
          ...(modelMaxTokens ? { modelMaxTokens } : {}),
        },
      });
  const bar = flags.progress && io.stderr.isTTY ? await startBar(folder, io) : undefined;
  collection.events.on("ingest-progress", (event) => bar?.update(event));
  let summary: IngestSummary;
  try {
    summary = await collection.ingest(
      printWarnings(await loadFolderOrFile(folder, flags.loader), io),
      {
        removeMissing: flags.removeMissing,
      },
    );
  } finally {
    bar?.stop();
  }
  // Saving would only record that nothing could be written: keep the current version as it is.
  const nothingWritten =
    summary.failed > 0 && summary.added + summary.replaced + summary.removed === 0;
  const version = nothingWritten ? undefined : await collection.save(flags.into, { lock });
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({ ...summary, collection: flags.into, version: version ?? null }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(formatSummary(summary, flags.into, version));
  }
  return { summary, version };
}

/**
 * Opens the collection under the lock. A BM25-only one named a model is opened without it and
 * given its dense side: every stored chunk is embedded before the new documents are ingested.
 */
async function openExisting(
  directory: string,
  manifest: NonNullable<Awaited<ReturnType<typeof readCollectionManifest>>>,
  embedder: BuiltEmbedder["embedder"] | undefined,
  tokenCounter: BuiltEmbedder["tokenCounter"],
  io: CliIo,
): Promise<EmbeddedCollection> {
  const counter = chunkingCounterFor(manifest, tokenCounter);
  const gainsDense = manifest.embedder === null && embedder !== undefined;
  const collection = await openCollection(directory, {
    ...(embedder && !gainsDense ? { embedder } : {}),
    ...(counter ? { tokenCounter: counter } : {}),
  });
  if (gainsDense) {
    io.stderr.write(
      `hybrid-rag: ${directory} is BM25-only: embedding its ${collection.store.chunkCount} stored chunks with ${embedder.name} for its new dense side\n`,
    );
    await collection.addDenseSide(embedder);
  }
  return collection;
}

/** Passes documents on, printing what the loaders had to guess (e.g. a fallback encoding) to stderr. */
async function* printWarnings(
  results: AsyncIterable<LoadResult>,
  io: CliIo,
): AsyncGenerator<LoadResult> {
  for await (const result of results) {
    if (result.kind === "document") {
      for (const warning of result.warnings ?? []) {
        io.stderr.write(`hybrid-rag: warning: ${printablePath(result.source)}: ${warning}\n`);
      }
    }
    yield result;
  }
}

async function startBar(folder: string, io: CliIo) {
  // The walk streams; the file count only sizes the bar (a JSON Lines file holds many documents).
  const files = (await stat(folder)).isFile()
    ? 1
    : (await readdir(folder, { recursive: true, withFileTypes: true })).filter(
        (entry) => !entry.isDirectory(),
      ).length;
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr,
      format:
        "ingest [{bar}] {value}/{total} files | {filesPerSecond} files/s | {chunks} chunks, {chunksPerSecond}/s | {duration_formatted} | ETA {eta}",
      hideCursor: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(files, 1), 0, ingestRates({ sources: 0, chunks: 0, elapsedMs: 0 }, files));
  return {
    update(event: IngestProgress) {
      if (event.sources > bar.getTotal()) bar.setTotal(event.sources);
      bar.update(event.sources, ingestRates(event, bar.getTotal()));
    },
    stop: () => bar.stop(),
  };
}

export function formatSummary(
  summary: IngestSummary,
  directory: string,
  version: number | undefined,
): string {
  const seconds = summary.elapsedMs / 1000;
  const rate = (count: number) => (seconds > 0 ? (count / seconds).toFixed(1) : "–");
  const safe = (text: string) => escapeForTerminal(text);
  const lines = [
    version === undefined
      ? `Nothing saved to ${directory}: every new or changed document failed (reasons below); its current version is unchanged`
      : `Ingested into ${directory} (version ${version}) in ${seconds.toFixed(1)} s`,
    `  documents   ${summary.documents} (added ${summary.added}, replaced ${summary.replaced}, unchanged ${summary.unchanged}, removed ${summary.removed})`,
    `  chunks      ${summary.chunks} written (${rate(summary.documents)} docs/s, ${rate(summary.chunks)} chunks/s)`,
    `  stages      ${formatStages(summary.stages)}`,
    `              (they overlap: a batch is embedded while the next is loaded and chunked)`,
    `  skipped     ${summary.skipped.length}`,
    ...summary.skipped.map((entry) => `    ${safe(entry.source)}: ${safe(entry.reason)}`),
    `  duplicates  ${summary.duplicates}`,
    `  truncated   ${summary.oversized} chunks longer than the model's input (the model cuts them)`,
    `  failed      ${summary.failed}`,
    ...summary.failures.map(
      (failure) =>
        `    ${safe(failure.source)}: ${safe(failure.reason)} (${failureOutcome[failure.previousVersion]}${failure.restoreError ? `: ${safe(failure.restoreError)}` : ""})`,
    ),
    ...summary.warnings.map((warning) => `  warning: ${safe(warning)}`),
  ];
  return `${lines.join("\n")}\n`;
}

const failureOutcome = {
  kept: "its previous version is kept",
  none: "not added",
  removed: "its previous version could not be restored and was removed; ingest it again",
} as const;

function formatStages(stages: IngestStageTimes): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `load ${seconds(stages.loadMs)}, chunk ${seconds(stages.chunkMs)}, embed ${seconds(stages.embedMs)}, write ${seconds(stages.writeMs)}`;
}

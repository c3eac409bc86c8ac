import { readdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type CollectionLock,
  createEmbeddedCollection,
  type DocumentStore,
  type EmbeddedCollection,
  type ImageLimits,
  type IngestProgress,
  type IngestStageTimes,
  type IngestSummary,
  lockCollection,
  openCollection,
  readCollectionManifest,
  readParentRecords,
} from "@hybrid-rag/collection";
import { HybridRagError } from "@hybrid-rag/core";
import { type LoadFolderOptions, type LoadResult, printablePath } from "@hybrid-rag/loaders";
import { type BuiltEmbedder, buildEmbedder } from "@hybrid-rag/pipeline";
import cliProgress from "cli-progress";
import type { CliIo } from "./cli-io.ts";
import { chunkingCounterFor } from "./collection-model.ts";
import { ingestConfigFile, readIngestConfig } from "./ingest-config.ts";
import { ingestRates } from "./ingest-rates.ts";
import { loadFolderOrFile } from "./load-source.ts";
import type { CommandSpec } from "./spec-options.ts";
import { escapeForTerminal } from "./terminal-text.ts";
import { unchangedPass } from "./unchanged-pass.ts";

export interface IngestFlags {
  /** The embedder and chunking (flags over `--spec` over the CLI's defaults). */
  readonly spec: CommandSpec;
  readonly into: string;
  /** Undefined: the collection's `hybrid-rag.json` decides (default false). */
  readonly removeMissing?: boolean;
  /** Glob patterns (gitignore syntax) a file must match; added to `hybrid-rag.json`'s. */
  readonly include?: readonly string[];
  /** Glob patterns (gitignore syntax) of files to leave out; added to `hybrid-rag.json`'s. */
  readonly exclude?: readonly string[];
  /** Parents per durable step (default 500); a step is also committed every 30 s. */
  readonly checkpointEvery?: number;
  /** Stops the ingest (Ctrl-C): the steps committed so far stay, the next run resumes. */
  readonly signal?: AbortSignal;
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
  /** Bounds on each image the collection stores (`--max-image-bytes`, `--max-image-pixels`). */
  readonly imageLimits?: ImageLimits;
}

export interface IngestOutcome {
  readonly summary: IngestSummary;
  /** The version the collection is at, or undefined when there is none (nothing ever saved). */
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
 * and the collection is hybrid from then on. The model is loaded only once a document is to be
 * embedded: an unchanged re-ingest never loads it.
 */
export async function ingestCommand(
  folder: string,
  flags: IngestFlags,
  io: CliIo,
): Promise<IngestOutcome> {
  // Read before taking the lock; the open under the lock re-checks.
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
  const lock = await lockCollection(flags.into, { waitMs: (flags.wait ?? 0) * 1000 });
  try {
    return await ingestLocked(folder, flags, io, bm25Only, lock);
  } finally {
    await lock.release();
  }
}

async function ingestLocked(
  folder: string,
  flags: IngestFlags,
  io: CliIo,
  bm25Only: boolean,
  lock: CollectionLock,
): Promise<IngestOutcome> {
  const manifest = await readCollectionManifest(flags.into);
  const config = await readIngestConfig(flags.into);
  const removeMissing = flags.removeMissing ?? config.removeMissing ?? false;
  const excluded: string[] = [];
  // What says a file is unchanged: the parent records of the first pass, then the opened store.
  let known: DocumentStore | undefined;
  const files = printWarnings(
    await loadFolderOrFile(folder, {
      ...flags.loader,
      include: [...(config.include ?? []), ...(flags.include ?? [])],
      exclude: [...(config.exclude ?? []), ...(flags.exclude ?? [])],
      onExcluded: (path) => excluded.push(path),
      // Read and hashed, not extracted again, when the stored document came from these bytes.
      unchangedFile: (id, fileSha256) => known?.hasFile(id, fileSha256) ?? false,
    }),
    io,
  );
  let summary: IngestSummary;
  let bar: Awaited<ReturnType<typeof startBar>> | undefined;
  let releaseModel: (() => Promise<void>) | undefined;
  try {
    let input: AsyncIterable<LoadResult> = files;
    let unchanged: IngestSummary | undefined;
    // The first pass reads only the parent records: an unchanged folder never opens the
    // collection (its indexes and text) nor loads the model. Not when resuming or when the
    // collection gains its dense side: both write whatever the folder holds.
    const gainsDense = manifest?.embedder === null && !bm25Only;
    if (manifest && !manifest.ingest && !gainsDense) {
      known = (await readParentRecords(flags.into))?.parents;
      if (known) {
        const pass = await unchangedPass(files, known, removeMissing, flags.signal);
        if (pass.kind === "unchanged") unchanged = pass.summary;
        else input = pass.input;
      }
    }
    if (unchanged) {
      summary = unchanged;
    } else {
      // Something is to be written: only now is the model loaded (it may mean a download).
      const { release, embedder, tokenCounter, modelMaxTokens }: Partial<BuiltEmbedder> =
        bm25Only || !flags.spec.spec.embedder
          ? {}
          : await buildEmbedder(flags.spec.spec.embedder, {
              executionProvider: flags.spec.spec.executionProvider,
              options: { embedderWorkers: flags.workers },
            });
      releaseModel = release;
      const chunking = flags.spec.spec.chunking ?? { maxTokens: 256 };
      const collection: EmbeddedCollection = manifest
        ? await openExisting(flags.into, manifest, embedder, tokenCounter, io, flags.imageLimits)
        : createEmbeddedCollection({
            ...(embedder ? { embedder } : {}),
            ...(flags.imageLimits ? { images: flags.imageLimits } : {}),
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
      known = collection.store;
      const interrupted = collection.interruptedIngest;
      if (interrupted) {
        io.stderr.write(
          `hybrid-rag: resuming the ingest of ${escapeForTerminal(interrupted.input)} into ${flags.into} that stopped before it finished (started ${interrupted.startedAt}; ${interrupted.committed} documents committed): they are read and hashed again, not re-indexed\n`,
        );
      }
      bar = flags.progress && io.stderr.isTTY ? await startBar(folder, io) : undefined;
      collection.events.on("ingest-progress", (event) => bar?.update(event));
      summary = await collection.ingest(input, {
        removeMissing,
        ...(flags.signal ? { signal: flags.signal } : {}),
        checkpoint: {
          directory: flags.into,
          lock,
          input: resolve(folder),
          ...(flags.checkpointEvery ? { everyDocuments: flags.checkpointEvery } : {}),
        },
      });
    }
  } catch (error) {
    if (flags.signal?.aborted) {
      const now = await readCollectionManifest(flags.into).catch(() => undefined);
      throw new HybridRagError(
        "aborted",
        now?.ingest
          ? `Interrupted: ${now.ingest.committed} documents are committed in ${flags.into} (version ${now.version}); run the same command again to resume where it stopped.`
          : `Interrupted before the first step was committed: ${flags.into} is ${now ? `unchanged (version ${now.version})` : "not created"}; run the same command again to start.`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    bar?.stop();
    await releaseModel?.();
  }
  const version = summary.saved?.version ?? manifest?.version;
  if (flags.json) {
    // `version`: the one this run saved (null: it wrote nothing); `currentVersion`: where it is.
    const saved = summary.saved?.version ?? null;
    const fields = { excluded: excluded.length, collection: flags.into, version: saved };
    io.stdout.write(
      `${JSON.stringify({ ...summary, ...fields, currentVersion: version ?? null }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(formatSummary(summary, flags.into, version, { excluded, removeMissing }));
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
  imageLimits: ImageLimits | undefined,
): Promise<EmbeddedCollection> {
  const counter = chunkingCounterFor(manifest, tokenCounter);
  const gainsDense = manifest.embedder === null && embedder !== undefined;
  const collection = await openCollection(directory, {
    ...(imageLimits ? { images: imageLimits } : {}),
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
  listing: { readonly excluded: readonly string[]; readonly removeMissing: boolean } = {
    excluded: [],
    removeMissing: false,
  },
): string {
  const seconds = summary.elapsedMs / 1000;
  const rate = (count: number) => (seconds > 0 ? (count / seconds).toFixed(1) : "–");
  const safe = (text: string) => escapeForTerminal(text);
  const headline =
    summary.saved === null
      ? version === undefined
        ? `Nothing saved to ${directory}: no document could be written (reasons below)`
        : summary.failed > 0
          ? `Nothing saved to ${directory}: every new or changed document failed (reasons below); it stays at version ${version}`
          : `Nothing changed: ${directory} stays at version ${version} (no file written) — checked in ${seconds.toFixed(1)} s`
      : `Ingested into ${directory} (version ${version}) in ${seconds.toFixed(1)} s${summary.saved && summary.saved.steps > 1 ? ` (${summary.saved.steps} durable steps)` : ""}`;
  const lines = [
    headline,
    `  documents   ${summary.documents} (added ${summary.added}, replaced ${summary.replaced}, unchanged ${summary.unchanged}, removed ${summary.removed})`,
    ...(summary.missing > 0
      ? [
          `  missing     ${summary.missing} ${summary.missing === 1 ? "file" : "files"} gone from the folder, still in the collection; --remove-missing deletes them (or "removeMissing": true under "ingest" in ${directory}/${ingestConfigFile})`,
          ...summary.missingSources.map((source) => `    ${safe(source)}`),
          ...(summary.missing > summary.missingSources.length
            ? [`    … and ${summary.missing - summary.missingSources.length} more`]
            : []),
        ]
      : []),
    ...(listing.excluded.length > 0
      ? [`  excluded    ${listing.excluded.length} files (--include/--exclude, .hybridragignore)`]
      : []),
    `  chunks      ${summary.chunks} written (${rate(summary.documents)} docs/s, ${rate(summary.chunks)} chunks/s)`,
    ...formatImages(summary.images),
    `  stages      ${formatStages(summary.stages)}`,
    `              (they overlap: a batch is embedded while the next is loaded and chunked)`,
    `  skipped     ${summary.skipped.length}`,
    ...summary.skipped.map((entry) => `    ${safe(entry.source)}: ${safe(entry.reason)}`),
    `  duplicates  ${summary.duplicates}`,
    ...(summary.nearDuplicates.groups > 0
      ? [
          `  near-duplicates: ${summary.nearDuplicates.groups} ${summary.nearDuplicates.groups === 1 ? "group" : "groups"}, ${summary.nearDuplicates.documents} documents (the same text in several files; search shows the best-ranked of each group, --keep-duplicates shows all)`,
          ...summary.nearDuplicates.examples.map(
            (sources) => `    ${sources.map((source) => safe(source)).join(" = ")}`,
          ),
        ]
      : []),
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

/** The images line, when the ingest met any image (page images, figures). */
function formatImages(images: IngestSummary["images"]): string[] {
  const seen = images.stored + images.deduplicated + images.skipped.length;
  if (seen === 0) return [];
  return [
    `  images      ${images.stored} stored, ${images.deduplicated} deduplicated (bytes already stored), ${images.skipped.length} skipped; ${images.imageOnly} image-only documents (page images: BM25 and the embedder skip them, search --page-images add reranks them)`,
    ...images.skipped.map(
      (entry) => `    ${escapeForTerminal(entry.id)}: ${escapeForTerminal(entry.reason)}`,
    ),
  ];
}

function formatStages(stages: IngestStageTimes): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `load ${seconds(stages.loadMs)}, chunk ${seconds(stages.chunkMs)}, embed ${seconds(stages.embedMs)}, write ${seconds(stages.writeMs)}`;
}

import { access, readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  createEmbeddedCollection,
  type EmbeddedCollection,
  type IngestProgress,
  type IngestStageTimes,
  type IngestSummary,
  openCollection,
} from "@hybrid-rag/collection";
import { loadFolder } from "@hybrid-rag/loaders";
import cliProgress from "cli-progress";
import type { CliIo } from "./cli-io.ts";
import { ingestRates } from "./ingest-rates.ts";
import { type LoadedEmbedder, loadEmbedder, type ModelFlags } from "./model-options.ts";

export interface IngestFlags extends ModelFlags {
  readonly into: string;
  readonly maxTokens: number;
  readonly overlapTokens?: number;
  readonly removeMissing: boolean;
  readonly progress: boolean;
  readonly json: boolean;
  /** Embedding worker threads (one model each); 0 embeds on the main thread. */
  readonly workers: number;
}

/** `hybrid-rag ingest <folder> --into <dir>`: creates or updates a collection, then saves it. */
export async function ingestCommand(
  folder: string,
  flags: IngestFlags,
  io: CliIo,
): Promise<IngestSummary> {
  const { embedder, tokenCounter, modelMaxTokens, release } = await loadEmbedder(
    flags,
    flags.workers > 0 ? { workers: flags.workers } : {},
  );
  try {
    return await ingestWith({ embedder, tokenCounter, modelMaxTokens }, folder, flags, io);
  } finally {
    await release?.();
  }
}

async function ingestWith(
  { embedder, tokenCounter, modelMaxTokens }: Omit<LoadedEmbedder, "release">,
  folder: string,
  flags: IngestFlags,
  io: CliIo,
): Promise<IngestSummary> {
  const exists = await access(join(flags.into, "manifest.json")).then(
    () => true,
    () => false,
  );
  const collection: EmbeddedCollection = exists
    ? await openCollection(flags.into, { embedder, ...(tokenCounter ? { tokenCounter } : {}) })
    : createEmbeddedCollection({
        embedder,
        chunking: {
          maxTokens: Math.min(flags.maxTokens, modelMaxTokens ?? Number.POSITIVE_INFINITY),
          ...(flags.overlapTokens !== undefined ? { overlapTokens: flags.overlapTokens } : {}),
          ...(tokenCounter ? { tokenCounter } : {}),
          ...(modelMaxTokens ? { modelMaxTokens } : {}),
        },
      });
  const bar = flags.progress && io.stderr.isTTY ? await startBar(folder, io) : undefined;
  collection.events.on("ingest-progress", (event) => bar?.update(event));
  let summary: IngestSummary;
  try {
    summary = await collection.ingest(loadFolder(folder), { removeMissing: flags.removeMissing });
  } finally {
    bar?.stop();
  }
  const version = await collection.save(flags.into);
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({ ...summary, collection: flags.into, version }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(formatSummary(summary, flags.into, version));
  }
  return summary;
}

async function startBar(folder: string, io: CliIo) {
  // The walk streams; the file count only sizes the bar (a JSON Lines file holds many documents).
  const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter(
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

export function formatSummary(summary: IngestSummary, directory: string, version: number): string {
  const seconds = summary.elapsedMs / 1000;
  const rate = (count: number) => (seconds > 0 ? (count / seconds).toFixed(1) : "–");
  const lines = [
    `Ingested into ${directory} (version ${version}) in ${seconds.toFixed(1)} s`,
    `  documents   ${summary.documents} (added ${summary.added}, replaced ${summary.replaced}, unchanged ${summary.unchanged}, removed ${summary.removed})`,
    `  chunks      ${summary.chunks} written (${rate(summary.documents)} docs/s, ${rate(summary.chunks)} chunks/s)`,
    `  stages      ${formatStages(summary.stages)}`,
    `              (they overlap: a batch is embedded while the next is loaded and chunked)`,
    `  skipped     ${summary.skipped.length}`,
    ...summary.skipped.map((entry) => `    ${entry.source}: ${entry.reason}`),
    `  duplicates  ${summary.duplicates}`,
    `  truncated   ${summary.oversized} chunks longer than the model's input (the model cuts them)`,
    `  failed      ${summary.failed}`,
  ];
  return `${lines.join("\n")}\n`;
}

function formatStages(stages: IngestStageTimes): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `load ${seconds(stages.loadMs)}, chunk ${seconds(stages.chunkMs)}, embed ${seconds(stages.embedMs)}, write ${seconds(stages.writeMs)}`;
}

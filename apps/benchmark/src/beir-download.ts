import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import type { Progress } from "./progress.ts";
import { unzipFile } from "./unzip-file.ts";

/** Where the BEIR authors publish the collections as `<name>.zip`. */
export const beirBaseUrl = "https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets";

export interface DownloadBeirOptions {
  readonly name: string;
  readonly cacheDirectory: string;
  readonly baseUrl?: string;
  readonly progress: Progress;
  readonly signal?: AbortSignal;
  /** How long to wait for the server to answer before giving up (default 30 s). */
  readonly connectTimeoutMs?: number;
}

/**
 * Returns the cached BEIR folder for `name`, downloading and unzipping it first when absent.
 * The zip is written to a temporary file and extracted into a temporary folder that is renamed
 * into place only when complete, so an interrupted run never leaves a half-written dataset.
 */
export async function downloadBeirDataset(options: DownloadBeirOptions): Promise<string> {
  const { name, cacheDirectory } = options;
  const target = join(cacheDirectory, name);
  if (await isBeirFolder(target)) return target;
  await mkdir(cacheDirectory, { recursive: true });
  await removeLeftovers(cacheDirectory, name);
  const token = randomBytes(6).toString("hex");
  const zipPath = join(cacheDirectory, `.${name}.${token}.zip.part`);
  const extractDirectory = join(cacheDirectory, `.${name}.${token}.extracting`);
  try {
    await fetchToFile(options, zipPath);
    await unzipFile(zipPath, extractDirectory);
    const extracted = await findBeirFolder(extractDirectory, name);
    await rename(extracted, target);
    return target;
  } finally {
    await rm(zipPath, { force: true });
    await rm(extractDirectory, { recursive: true, force: true });
  }
}

async function fetchToFile(options: DownloadBeirOptions, path: string): Promise<void> {
  const url = `${options.baseUrl ?? beirBaseUrl}/${options.name}.zip`;
  const connect = AbortSignal.timeout(options.connectTimeoutMs ?? 30_000);
  let response: Response;
  try {
    const signal = options.signal ? AbortSignal.any([options.signal, connect]) : connect;
    response = await fetch(url, { signal });
  } catch (error) {
    if (options.signal?.aborted) throw toHybridRagError(error, `Downloading ${url}`);
    throw unreachable(options.name, url, describeFetchError(error));
  }
  if (!response.ok || !response.body) {
    throw unreachable(options.name, url, `HTTP ${response.status} ${response.statusText}`.trim());
  }
  const total = Number(response.headers.get("content-length") ?? 0);
  const bar = options.progress.start(`download ${options.name}.zip`, total, "bytes");
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      bar.update(done);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
      counter,
      createWriteStream(path),
      options.signal ? { signal: options.signal } : {},
    );
  } catch (error) {
    throw toHybridRagError(error, `Downloading ${url}`);
  } finally {
    bar.stop();
  }
}

function unreachable(name: string, url: string, reason: string): HybridRagError {
  return new HybridRagError(
    "unavailable",
    `Cannot download BEIR dataset "${name}" from ${url} (${reason}). If this machine is offline, download and unzip ${name}.zip elsewhere and point --dataset at the folder that holds corpus.jsonl, queries.jsonl and qrels/, e.g. --dataset ../shared/datasets/${name}.`,
  );
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error instanceof Error && error.name === "TimeoutError")
    return "no answer within the timeout";
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export async function isBeirFolder(directory: string): Promise<boolean> {
  const corpus = await stat(join(directory, "corpus.jsonl")).catch(() => undefined);
  const queries = await stat(join(directory, "queries.jsonl")).catch(() => undefined);
  return Boolean(corpus?.isFile() && queries?.isFile());
}

/** BEIR zips hold one top folder named after the set; accept a flat zip too. */
async function findBeirFolder(directory: string, name: string): Promise<string> {
  if (await isBeirFolder(directory)) return directory;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const candidate = join(directory, entry.name);
    if (entry.isDirectory() && (await isBeirFolder(candidate))) return candidate;
  }
  throw new HybridRagError(
    "corrupt-data",
    `The archive for "${name}" holds no folder with corpus.jsonl and queries.jsonl.`,
  );
}

/** Temporary files of an earlier interrupted download of the same set. */
async function removeLeftovers(cacheDirectory: string, name: string): Promise<void> {
  for (const entry of await readdir(cacheDirectory)) {
    if (entry.startsWith(`.${name}.`) && /\.(zip\.part|extracting)$/.test(entry)) {
      await rm(join(cacheDirectory, entry), { recursive: true, force: true });
    }
  }
}

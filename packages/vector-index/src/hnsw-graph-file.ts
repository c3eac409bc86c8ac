import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readdir, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { crc32 } from "node:zlib";
import { HybridRagError } from "@hybrid-rag/core";
import type { HnswGraph } from "./hnsw-graph.ts";
import type { SavedGraph } from "./vector-index-file.ts";

/**
 * The HNSW graph is saved by usearch itself (its own format, read back without rebuilding)
 * beside the index file, as `<index file>.<random token>.hnsw`: a fresh name per save, so the
 * graph an index file names is never overwritten, and a save killed before the index file was
 * renamed into place leaves only an orphan, removed by the next save. The index file records
 * the graph's length and CRC-32, which a load checks before handing the file to usearch.
 */
export async function saveGraphBeside(
  indexPath: string,
  graph: HnswGraph,
): Promise<Omit<SavedGraph, "connectivity" | "expansionAdd" | "vectorType">> {
  const file = `${basename(indexPath)}.${randomBytes(6).toString("hex")}.hnsw`;
  const path = join(dirname(indexPath), file);
  try {
    graph.save(path);
    const handle = await open(path, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { file, ...(await lengthAndChecksum(path)) };
  } catch (error) {
    await rm(path, { force: true }).catch(() => undefined);
    throw new HybridRagError(
      "unavailable",
      `Could not write the HNSW graph of ${indexPath} to ${path}: ${(error as Error).message}.`,
      { cause: error },
    );
  }
}

/** Removes the graph file `name` saved beside `indexPath` (a save that did not complete). */
export async function removeGraph(indexPath: string, name: string): Promise<void> {
  await rm(join(dirname(indexPath), name), { force: true }).catch(() => undefined);
}

/** Removes the graphs saved beside `indexPath` other than `keep` (older saves, orphans). */
export async function removeOtherGraphs(
  indexPath: string,
  keep: string | undefined,
): Promise<void> {
  const folder = dirname(indexPath);
  const pattern = new RegExp(`^${escapeRegExp(basename(indexPath))}\\.[0-9a-f]{12}\\.hnsw$`);
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    if (name !== keep && pattern.test(name)) {
      await rm(join(folder, name), { force: true }).catch(() => undefined);
    }
  }
}

/**
 * The saved graph's path once its length and checksum match what the index file recorded;
 * `undefined` when the file is missing (the graph is then rebuilt from the vectors). A graph
 * that is there but differs is `corrupt-data`: it does not belong to these vectors.
 */
export async function checkedGraphPath(
  indexPath: string,
  saved: SavedGraph,
): Promise<string | undefined> {
  const path = join(dirname(indexPath), saved.file);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) return undefined;
  const found = await lengthAndChecksum(path);
  if (found.bytes !== saved.bytes || found.crc32 !== saved.crc32) {
    throw new HybridRagError(
      "corrupt-data",
      `${path} is not the HNSW graph saved with ${indexPath} (${found.bytes} bytes, CRC-32 ${found.crc32}; the index file expects ${saved.bytes} bytes, CRC-32 ${saved.crc32}). Delete it to rebuild the graph from the vectors, or save the index again.`,
    );
  }
  return path;
}

async function lengthAndChecksum(path: string): Promise<{ bytes: number; crc32: number }> {
  let bytes = 0;
  let checksum = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 16 * 2 ** 20 })) {
    bytes += (chunk as Buffer).length;
    checksum = crc32(chunk as Buffer, checksum);
  }
  return { bytes, crc32: checksum };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

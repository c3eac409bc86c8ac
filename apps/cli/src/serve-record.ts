import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/**
 * `hybrid-rag serve` leaves this file in the collection directory while it runs, so that
 * `hybrid-rag search` on the same directory can ask it instead of loading the collection and
 * the models for one query (see `liveServeFor`).
 */
export const serveRecordFile = "serve.json";

const serveRecordSchema = z.strictObject({
  url: z.url(),
  pid: z.number().int().min(1),
  host: z.string(),
  /** The collection version it serves (it follows its own saves, not another writer's). */
  version: z.number().int().min(1),
  /** `--reranker-model` it runs ("none": no reranking). */
  reranker: z.string(),
  maxTopK: z.number().int().min(1),
  maxCandidates: z.number().int().min(1),
  /** Whether requests need `Authorization: Bearer $HYBRID_RAG_API_KEY`. */
  needsKey: z.boolean(),
  startedAt: z.string(),
});

export type ServeRecord = z.output<typeof serveRecordSchema>;

/** Writes (or rewrites) the record atomically: a reader sees the old one or the new one. */
export async function writeServeRecord(
  directory: string,
  record: Omit<ServeRecord, "pid" | "host">,
): Promise<void> {
  const path = join(directory, serveRecordFile);
  const temporary = `${path}.${process.pid}.tmp`;
  const full: ServeRecord = { ...record, pid: process.pid, host: hostname() };
  await writeFile(temporary, `${JSON.stringify(full, null, 2)}\n`);
  await rename(temporary, path);
}

/** Removes the record if it is this process's (a newer serve on the directory keeps its own). */
export async function removeServeRecord(directory: string): Promise<void> {
  const record = await readServeRecord(directory);
  if (record?.pid === process.pid) await rm(join(directory, serveRecordFile), { force: true });
}

/** The record of a serve on this directory, when there is a readable one. */
export async function readServeRecord(directory: string): Promise<ServeRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(directory, serveRecordFile), "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = serveRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Half-written by hand or damaged: not a serve to talk to; search opens the collection.
    return undefined;
  }
}

/** Whether the process that wrote the record still runs (on this host; another host's cannot be checked). */
export function isServeAlive(record: ServeRecord): boolean {
  if (record.host !== hostname()) return false;
  try {
    process.kill(record.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// A writer process for the concurrency tests. It prints {"ready":true} once loaded, then runs
// one write per line of stdin, {"directory","prefix","count","waitMs"}: takes the collection's
// writer lock (waiting up to waitMs), opens the collection (or creates it), ingests `count`
// documents "<prefix>-<i>" and saves; it answers one JSON line per write:
// {"saved":version} | {"locked":message} | {"error":message}. Long-lived, so that many trials
// pay for one process start, and two such processes reach the lock together when the test
// sends them their lines at once.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { HybridRagError } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { lockCollection } from "../collection-lock.ts";
import { createEmbeddedCollection } from "../embedded-collection.ts";
import { openCollection } from "../open-collection.ts";
import { writerDocuments } from "./writer-documents.ts";

export interface WriteRequest {
  readonly directory: string;
  readonly prefix: string;
  readonly count: number;
  readonly waitMs: number;
}

const embedder = new HashingEmbedder(64);

async function write(request: WriteRequest): Promise<number> {
  const lock = await lockCollection(request.directory, { waitMs: request.waitMs });
  try {
    const collection = existsSync(join(request.directory, "manifest.json"))
      ? await openCollection(request.directory, { embedder })
      : createEmbeddedCollection({ embedder });
    await collection.ingest(writerDocuments(request.prefix, request.count));
    return await collection.save(request.directory, { lock });
  } finally {
    await lock.release();
  }
}

process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  let answer: Record<string, unknown>;
  try {
    answer = { saved: await write(JSON.parse(line) as WriteRequest) };
  } catch (error) {
    answer =
      HybridRagError.isInstance(error) && error.code === "locked"
        ? { locked: error.message }
        : { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}

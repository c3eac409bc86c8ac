import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { loadFolder } from "@hybrid-rag/loaders";
import { readSciFactSample, sharedDirectory } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestSummary } from "./collection-events.ts";
import { createEmbeddedCollection, type EmbeddedCollection } from "./embedded-collection.ts";
import { openCollection } from "./open-collection.ts";
import { CountingEmbedder } from "./testing/counting-embedder.ts";

const scifact = join(sharedDirectory, "datasets/scifact");
const embedder = new HashingEmbedder(256);
let directory: string;
let built: EmbeddedCollection;
let summary: IngestSummary;
let queries: string[];

async function searchAll(collection: EmbeddedCollection) {
  const results = [];
  for (const query of queries) results.push((await collection.search(query, { topK: 10 })).hits);
  return results;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "collection-persistence-"));
  built = createEmbeddedCollection({ embedder });
  summary = await built.ingest(loadFolder(scifact));
  queries = (await readSciFactSample(40, "queries.jsonl")).map((query) => query.text);
}, 240_000);

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("a persisted SciFact collection", () => {
  it("ingested the BEIR folder's corpus and reported its other files", () => {
    expect(summary.documents).toBe(5183);
    expect(summary.added).toBe(5183);
    expect(summary.skipped.map((entry) => entry.source.replace(`${scifact}/`, "")).sort()).toEqual([
      "qrels",
      "queries.jsonl",
    ]);
    expect(summary.chunks).toBeGreaterThan(5183);
  });

  it("reopens without re-indexing and returns identical results to the one built in memory", async () => {
    expect(await built.save(directory)).toBe(1);
    const watched = new CountingEmbedder(new HashingEmbedder(256));
    const reopened = await openCollection(directory, { embedder: watched });
    expect(watched.embeddedPassages).toEqual([]);
    expect(reopened.store.chunkCount).toBe(built.store.chunkCount);
    expect(reopened.store.parentCount).toBe(5183);
    expect(await searchAll(reopened)).toEqual(await searchAll(built));
    // Each text is held once: both indexes hand out the store's own chunk objects.
    const [sparseHit] = await reopened.sparse.retrieve(queries[0]!, { topK: 1 });
    const [denseHit] = await reopened.dense!.retrieve(queries[0]!, { topK: 1 });
    expect(sparseHit!.document).toBe(reopened.store.chunk(sparseHit!.id));
    expect(denseHit!.document).toBe(reopened.store.chunk(denseHit!.id));
  }, 120_000);

  it("keeps the text out of the index files (only the store has it)", async () => {
    const folder = join(directory, "v000001");
    const sample = built.store.chunksOf("4983")[0]!.text.slice(0, 60);
    expect(
      (await readFile(join(folder, "store.jsonl"))).includes(
        Buffer.from(JSON.stringify(sample).slice(1, -1)),
      ),
    ).toBe(true);
    expect((await readFile(join(folder, "sparse.bm25"))).includes(Buffer.from(sample))).toBe(false);
    expect((await readFile(join(folder, "dense.vectors"))).includes(Buffer.from(sample))).toBe(
      false,
    );
  });

  it("a save killed mid-way leaves the previous version loadable", async () => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL("./testing/save-in-child.ts", import.meta.url)), directory],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (data: Buffer) => {
        output += data.toString();
        if (output.includes("saving")) resolve();
      });
    });
    // Kill it as soon as the new version's folder appears, while its files are being written.
    while (!(await readdir(directory)).some((entry) => entry.startsWith("v000002"))) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(output).not.toContain("saved");
    const manifest = JSON.parse(await readFile(join(directory, "manifest.json"), "utf8")) as {
      version: number;
    };
    expect(manifest.version).toBe(1);
    const reopened = await openCollection(directory, { embedder });
    expect(reopened.store.parent("extra-0")).toBeUndefined();
    expect(await searchAll(reopened)).toEqual(await searchAll(built));
    // The next save goes through (the killed writer's lock is stale) and clears the leftovers;
    // the previous version stays for readers that read the manifest just before the swap.
    await reopened.ingest([{ id: "after-crash", text: "written after the interrupted save" }]);
    expect(await reopened.save(directory)).toBe(2);
    expect((await readdir(directory)).sort()).toEqual(["manifest.json", "v000001", "v000002"]);
    const again = await openCollection(directory, { embedder });
    expect(again.store.parent("after-crash")).toBeDefined();
  }, 120_000);

  it("says what is wrong with a damaged or missing collection", async () => {
    const broken = join(directory, "broken");
    await expect(openCollection(broken, { embedder })).rejects.toMatchObject({ code: "not-found" });
    await mkdir(broken);
    await writeFile(join(broken, "manifest.json"), JSON.stringify({ formatVersion: 99 }));
    await expect(openCollection(broken, { embedder })).rejects.toMatchObject({
      code: "unsupported",
    });
    await expect(openCollection(directory, { embedder: new HashingEmbedder(128) })).rejects.toThrow(
      /built with embedder hashing \(256 dimensions\)/,
    );
    const store = join(directory, "v000002", "store.jsonl");
    await writeFile(
      store,
      (await readFile(store, "utf8")).replace("after the interrupted", "after the INTERRUPTED"),
    );
    // Opened lazily, the modified line fails the read that needs it (its SHA-256 in the index).
    const lazy = await openCollection(directory, { embedder });
    expect(() => lazy.store.chunksOf("after-crash")[0]!.text).toThrow(
      expect.objectContaining({ code: "corrupt-data" }),
    );
    // Read whole (no offsets index), the store fails the manifest's checksum at open.
    await rm(join(directory, "v000002", "store.offsets.jsonl"));
    await expect(openCollection(directory, { embedder })).rejects.toMatchObject({
      code: "corrupt-data",
    });
  });
});

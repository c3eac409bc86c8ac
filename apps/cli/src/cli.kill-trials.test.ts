import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { openCollection, readCollectionManifest } from "@hybrid-rag/collection";
import { mulberry32 } from "@hybrid-rag/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// `hybrid-rag ingest` as a user runs it, killed (SIGKILL) or interrupted (SIGINT, Ctrl-C) at a
// random moment, then run again: the collection must end as an uninterrupted ingest leaves it.
// 10 trials by default; HYBRID_RAG_STRESS=full runs 100.
const full = process.env.HYBRID_RAG_STRESS === "full";
const trials = full ? 100 : 10;
const fileCount = 600;
const checkpointEvery = "25";
const queries = ["pumps valves", "gauge float", "zqbx", "winter spray", "manual page"];

let workspace: string;
let folder: string;

const words = ["pumps", "valves", "gauge", "float", "winter", "spray", "cable", "bolts", "well"];
function fileText(index: number): string {
  const random = mulberry32(index + 1);
  const body = Array.from(
    { length: 40 + Math.floor(random() * 80) },
    () => words[Math.floor(random() * words.length)],
  ).join(" ");
  const marker = `zq${index.toString(36).replace(/\d/g, (digit) => "abcdefghij"[Number(digit)]!)}`;
  return `# Manual page ${index}\n\nThe marker ${marker} appears only here. ${body}.\n\nA second paragraph about the ${words[index % words.length]} of page ${index}.\n`;
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-kill-trials-"));
  folder = join(workspace, "docs");
  for (let index = 0; index < fileCount; index++) {
    const sub = join(folder, `part-${Math.floor(index / 100)}`);
    if (index % 100 === 0) await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `page-${index}.${index % 3 === 0 ? "md" : "txt"}`), fileText(index));
  }
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

const ingestArgs = (into: string) => [
  "ingest",
  folder,
  "--into",
  into,
  "--embedding-model",
  "none",
  "--no-progress",
  "--checkpoint-every",
  checkpointEvery,
];

function startIngest(into: string) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL("./bin.ts", import.meta.url)), ...ingestArgs(into)],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

/** Resolves once the ingest into `into` has committed its first durable step (or has exited). */
async function firstStep(into: string, exited: Promise<unknown>): Promise<void> {
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!done && !existsSync(join(into, "manifest.json"))) await sleep(5);
}

async function ingestHere(into: string) {
  const io = captureIo();
  const code = await runCli([...ingestArgs(into), "--json"], io);
  expect(code, io.err()).toBe(0);
  return JSON.parse(io.out()) as { added: number; unchanged: number; replaced: number };
}

/** What a user of the collection sees: each document once with its text, and the top hits. */
async function snapshot(into: string) {
  const collection = await openCollection(into);
  const documents = [...collection.store.parents()]
    .map((parent) => {
      const texts = parent.chunkIds.map((id) => collection.store.chunk(id)?.text ?? "<missing>");
      const digest = createHash("sha256").update(texts.join("\u0000")).digest("hex");
      return `${parent.id} ${parent.contentHash} ${parent.chunkIds.length} ${digest}`;
    })
    .sort();
  const rankings = [];
  for (const query of queries) {
    const io = captureIo();
    expect(
      await runCli(["search", into, query, "--json", "--no-server", "--top-k", "5"], io),
      io.err(),
    ).toBe(0);
    const { hits } = JSON.parse(io.out()) as { hits: { id: string; score: number }[] };
    rankings.push(hits.map(({ id, score }) => `${id} ${score.toFixed(9)}`));
  }
  return { documents, chunks: collection.store.chunkCount, rankings };
}

describe("hybrid-rag ingest killed or interrupted at random moments, then run again", () => {
  it(
    `ends with every file once and the same search results as an uninterrupted ingest (${trials} trials)`,
    async () => {
      const reference = join(workspace, "reference");
      await ingestHere(reference);
      const expected = await snapshot(reference);
      expect(expected.documents).toHaveLength(fileCount);
      expect(new Set(expected.documents.map((line) => line.split(" ")[0])).size).toBe(fileCount);
      // An uninterrupted child, timed: until its first durable step (most of it the process
      // starting) and from there to its exit. One trial in five is killed before the first step,
      // the others at a random moment after it; that window follows what the kills hit (the
      // machine's load varies), so that most land mid-ingest.
      const timed = startIngest(join(workspace, "timed"));
      const started = performance.now();
      await firstStep(join(workspace, "timed"), timed.exited);
      const firstStepMs = performance.now() - started;
      expect((await timed.exited).code, timed.stderr()).toBe(0);
      let windowMs = (performance.now() - started - firstStepMs) * 0.9;
      const random = mulberry32(4242);
      const outcomes = { beforeFirstStep: 0, midway: 0, finished: 0, sigint: 0, sigkill: 0 };
      for (let trial = 0; trial < trials; trial++) {
        const signal = random() < 0.5 ? "SIGINT" : "SIGKILL";
        outcomes[signal === "SIGINT" ? "sigint" : "sigkill"]++;
        const into = join(workspace, `trial-${trial}`);
        const run = startIngest(into);
        const early = random() < 0.2;
        if (early) await sleep(random() * firstStepMs);
        else {
          await firstStep(into, run.exited);
          await sleep(random() * windowMs);
        }
        run.child.kill(signal);
        const { code } = await run.exited;
        const where = `trial ${trial} (${signal}): ${run.stderr()}`;
        // Ctrl-C stops after the batch in flight and exits 130 (0 if the ingest had finished).
        if (signal === "SIGINT") expect([0, 130, null], where).toContain(code);
        const manifest = await readCollectionManifest(into);
        let committed = 0;
        if (!manifest) {
          outcomes.beforeFirstStep++;
        } else if (code === 0 && manifest.ingest === undefined) {
          outcomes.finished++;
          if (!early) windowMs *= 0.8;
        } else {
          outcomes.midway++;
          // A reader sees the last complete step: whole documents, each as in the reference.
          const partial = await snapshot(into);
          for (const line of partial.documents) expect(expected.documents, where).toContain(line);
          committed = partial.documents.length;
          expect(committed, where).toBeLessThanOrEqual(fileCount);
        }
        const resumed = await ingestHere(into);
        expect(resumed.added + resumed.unchanged, where).toBe(fileCount);
        expect(resumed.replaced, where).toBe(0);
        // It resumed: what the interrupted run committed is not indexed again.
        if (manifest && code !== 0) expect(resumed.unchanged, where).toBe(committed);
        expect(await snapshot(into), where).toEqual(expected);
        expect((await readCollectionManifest(into))?.ingest, where).toBeUndefined();
        // Nothing left behind but what a finished collection holds (and the temporary lock
        // file of a process killed while taking the lock: removed once it is old).
        for (const entry of await readdir(into)) {
          expect(entry, where).toMatch(
            /^(manifest\.json|v\d{6}|segment-\d{6}-[0-9a-f]{8}\.jsonl|writer\.lock\.[0-9a-f]{24}\.tmp)$/,
          );
        }
        await rm(into, { recursive: true, force: true });
      }
      console.info(`hybrid-rag ingest: ${trials} kill trials`, outcomes);
      expect(outcomes.midway).toBeGreaterThan(trials / 4);
    },
    120_000 + trials * 30_000,
  );
});

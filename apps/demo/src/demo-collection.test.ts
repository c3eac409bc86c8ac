import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type CliIo, runCli } from "@hybrid-rag/cli";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { type RunningDemo, startDemo } from "./start-demo.ts";

// Issue 27: the demo opens the CLI's collection as it is (the analyzer and the model its
// manifest records) and ranks as `hybrid-rag search` does; a folder given to the demo goes
// through the CLI's ingest into a cached collection, embedded once.

let workspace: string;
let folder: string;
let model: string;

const documents: Record<string, string> = {
  "sudo.md":
    "# Running commands with sudo\n\nThe sudo command runs a command as another user. Unlike su, it asks for your own password. A pseudo terminal is allocated when needed.\n",
  "histograms.md":
    "# Drawing histograms\n\nA histogram counts values in bins. His first histogram had ten bins; histograms with more bins show more detail.\n",
  "tides.md":
    "# How tides work\n\nTides are the rise and fall of the sea, caused by the moon. The tide tables list high and low water.\n",
  "panels.md":
    "# Solar panels on the roof\n\nSolar panels turn sunlight into electricity. A panel facing south generates the most power.\n",
  "notes.txt": "Plain notes about the tide gauge and the sea level record of the harbour.\n",
};

function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const stderr = new PassThrough();
  stderr.on("data", (data: Buffer) => {
    err += data.toString();
  });
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr,
    out: () => out,
    err: () => err,
  };
}

async function cli(...argv: string[]): Promise<string> {
  const io = captureIo();
  const code = await runCli(argv, io);
  expect(io.err()).toBe("");
  expect(code).toBe(0);
  return io.out();
}

async function cliRanking(directory: string, query: string): Promise<string[]> {
  const out = await cli(
    "search",
    directory,
    query,
    "--json",
    "--top-k",
    "8",
    "--candidates",
    "20",
    "--execution-provider",
    "cpu",
  );
  return (JSON.parse(out) as { hits: { id: string }[] }).hits.map((hit) => hit.id);
}

interface PageHitBody {
  id: string;
  text: string;
  marks: [number, number][];
  sources: Record<string, { status: string; rank?: number }>;
}
interface StageBody {
  stage: string;
  status: string;
  description: string;
  hits: PageHitBody[];
}

async function demoSearch(demo: RunningDemo, query: string): Promise<StageBody[]> {
  const response = await fetch(`${demo.url}/api/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, topK: 8, candidates: 20 }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { stages: StageBody[] }).stages;
}

const ids = (stage: StageBody | undefined) => stage?.hits.map((hit) => hit.id) ?? [];
const stageOf = (stages: StageBody[], name: string) => stages.find((stage) => stage.stage === name);

async function statusOf(demo: RunningDemo) {
  return (await (await fetch(`${demo.url}/api/status`)).json()) as {
    corpus: { documents: number; chunks: number; source: string };
    examples: string[];
  };
}

function openDemo(
  environment: Record<string, string>,
  commandLine: { corpus?: string; collection?: string },
  io: CliIo,
) {
  return startDemo(
    demoConfigFromEnvironment(
      { DEMO_PORT: "0", DEMO_LOG_LEVEL: "silent", DEMO_EXECUTION_PROVIDER: "cpu", ...environment },
      commandLine,
    ),
    { io },
  );
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "demo-collection-"));
  folder = join(workspace, "docs");
  model = join(workspace, "tiny-bi-encoder");
  await mkdir(folder);
  await Promise.all([
    ...Object.entries(documents).map(([name, text]) => writeFile(join(folder, name), text)),
    createTinyBertModel(model, { kind: "bi-encoder", seed: 7 }),
  ]);
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

const queries = ["sudo password", "how do tides work", "the histogram bins", "solar panel power"];

describe("pnpm demo --collection <dir> on a collection built by hybrid-rag ingest", () => {
  it("a hybrid collection: the model from its manifest, the fused list ranked as hybrid-rag search ranks it", async () => {
    const directory = join(workspace, "hybrid");
    await cli(
      "ingest",
      folder,
      "--into",
      directory,
      "--embedding-model",
      model,
      "--workers",
      "0",
      "--no-progress",
      "--execution-provider",
      "cpu",
    );
    const manifestBefore = await readFile(join(directory, "manifest.json"), "utf8");
    const io = captureIo();
    const demo = await openDemo({}, { collection: directory }, io);
    try {
      expect(io.out()).toMatch(/^opened .*hybrid: 5 documents, 5 chunks \(ready in [\d.]+ s\)\n$/);
      for (const query of queries) {
        const stages = await demoSearch(demo, query);
        expect(stageOf(stages, "dense")?.status).toBe("on");
        expect(ids(stageOf(stages, "fused")), query).toEqual(await cliRanking(directory, query));
      }
      const stages = await demoSearch(demo, "sudo");
      expect(stageOf(stages, "sparse")?.description).toContain(
        "standard analyzer as the collection's manifest records",
      );
      expect(stageOf(stages, "dense")?.description).toContain(`onnx:${model}`);
      // Opening is reading: the collection is not saved again (no embedding, no new version).
      expect(await readFile(join(directory, "manifest.json"), "utf8")).toBe(manifestBefore);
    } finally {
      await demo.close();
    }
  }, 60_000);

  it("a BM25-only collection: its standard analyzer, its ranking, honest highlights and its own example queries", async () => {
    const directory = join(workspace, "lexical");
    await cli("ingest", folder, "--into", directory, "--embedding-model", "none", "--no-progress");
    const demo = await openDemo({}, { collection: directory }, captureIo());
    try {
      for (const query of queries) {
        const stages = await demoSearch(demo, query);
        const cliIds = await cliRanking(directory, query);
        expect(ids(stageOf(stages, "sparse")), query).toEqual(cliIds);
        expect(ids(stageOf(stages, "fused")), query).toEqual(cliIds);
        expect(stageOf(stages, "dense")?.status).toBe("off");
      }
      const sparse = stageOf(await demoSearch(demo, "sudo"), "sparse")!;
      const marked = sparse.hits.flatMap((hit) =>
        hit.marks.map(([start, end]) => hit.text.slice(start, end)),
      );
      // "sudo" marks the word sudo, never "su" or the "sudo" inside "pseudo".
      expect(new Set(marked)).toEqual(new Set(["sudo"]));
      const status = await statusOf(demo);
      expect(status.corpus).toMatchObject({ documents: 5, chunks: 5, source: directory });
      expect(status.examples.length).toBeGreaterThan(0);
      const titles = [
        "Running commands with sudo",
        "Drawing histograms",
        "How tides work",
        "Solar panels on the roof",
        "notes",
      ];
      for (const example of status.examples) expect(titles).toContain(example);
    } finally {
      await demo.close();
    }
  }, 60_000);
});

describe("pnpm demo <folder>: the CLI's ingest into a cached collection", () => {
  it("ingests once with the english analyzer recorded in the manifest, then a second start embeds nothing", async () => {
    const cache = join(workspace, "cache");
    const first = captureIo();
    const demo = await openDemo(
      { DEMO_CACHE_DIR: cache, EMBEDDING_MODEL_PATH: model },
      { corpus: folder },
      first,
    );
    let directory: string;
    try {
      directory = demo.collection!;
      expect(directory.startsWith(join(cache, "docs-"))).toBe(true);
      expect(first.err()).toContain(`hybrid-rag demo: ingesting ${folder} into ${directory}`);
      expect(first.out()).toContain(`Ingested into ${directory} (version 1)`);
      const manifest = JSON.parse(await readFile(join(directory, "manifest.json"), "utf8"));
      expect(manifest.bm25.analyzer).toBe("english");
      expect(first.out()).toMatch(/documents {3}5 \(added 5, replaced 0, unchanged 0, removed 0\)/);
      // The same collection the CLI reads, ranked the same.
      for (const query of queries) {
        expect(ids(stageOf(await demoSearch(demo, query), "fused"))).toEqual(
          await cliRanking(directory, query),
        );
      }
    } finally {
      await demo.close();
    }
    const second = captureIo();
    const again = await openDemo(
      { DEMO_CACHE_DIR: cache, EMBEDDING_MODEL_PATH: model },
      { corpus: folder },
      second,
    );
    try {
      expect(again.collection).toBe(directory);
      expect(second.out()).toMatch(
        /documents {3}5 \(added 0, replaced 0, unchanged 5, removed 0\)/,
      );
      expect(second.out()).toMatch(/chunks {6}0 written/);
    } finally {
      await again.close();
    }
  }, 90_000);
});

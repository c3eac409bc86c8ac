import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { holdLockInChild } from "@hybrid-rag/collection/testing";
import {
  HashingEmbedder,
  type LoopbackServer,
  startLoopbackServer,
} from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { exitCodes, runCli } from "./main.ts";

// The embedding service is a TEI server on loopback (the process boundary): it answers 422 to
// any batch holding the word "forbidden", as a real service refuses some input.
let server: LoopbackServer;
let workspace: string;
let folder: string;
let collection: string;
const hashing = new HashingEmbedder(32);

beforeAll(async () => {
  server = await startLoopbackServer(async (request, response) => {
    const inputs = (request.body as { inputs: string[] }).inputs;
    if (inputs.some((text) => text.includes("forbidden"))) {
      response.writeHead(422, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "input refused by policy", error_type: "Validation" }));
      return;
    }
    const vectors = await hashing.embedPassages(inputs);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(vectors.map((vector) => [...vector])));
  });
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-writers-"));
  folder = join(workspace, "docs");
  collection = join(workspace, "collection");
  await mkdir(folder);
});

afterAll(async () => {
  await server.close();
  await rm(workspace, { recursive: true, force: true });
});

const model = () => [
  "--embedding-model",
  server.url,
  "--embedding-api",
  "tei",
  "--embedding-dimension",
  "32",
];

async function ingest(...extra: string[]) {
  const io = captureIo();
  const code = await runCli(
    ["ingest", folder, "--into", collection, ...model(), "--no-progress", ...extra],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

async function search(query: string) {
  const io = captureIo();
  const code = await runCli(["search", collection, query, ...model(), "--top-k", "3"], io);
  return { code, out: io.out(), err: io.err() };
}

const manifestVersion = async () =>
  (JSON.parse(await readFile(join(collection, "manifest.json"), "utf8")) as { version: number })
    .version;

describe("hybrid-rag ingest as the collection's one writer", () => {
  it("a failed update keeps the previous version searchable, prints the reason, exits 3", async () => {
    await writeFile(
      join(folder, "tides.md"),
      "# Tides\n\nThe harbour tide tables list the spring tides.\n",
    );
    await writeFile(join(folder, "owls.md"), "# Owls\n\nBarn owls hunt over the meadow at dusk.\n");
    expect(await ingest()).toMatchObject({ code: 0, err: "" });
    await writeFile(
      join(folder, "owls.md"),
      "# Owls\n\nA forbidden rewrite about tawny owls in the pinewood.\n",
    );
    await writeFile(join(folder, "tides.md"), "# Tides\n\nNeap tides follow the quarter moon.\n");
    const { code, out, err } = await ingest();
    expect(err).toBe("");
    expect(code).toBe(exitCodes.documentsFailed);
    expect(out).toMatch(/Ingested into .* \(version 2\)/);
    expect(out).toContain("(added 0, replaced 1, unchanged 0, removed 0)");
    expect(out).toMatch(
      new RegExp(
        `failed {6}1\\n {4}${join(folder, "owls.md").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: .*422.*input refused by policy.* \\(its previous version is kept\\)`,
      ),
    );
    const old = await search("barn owls meadow dusk");
    expect(old.code).toBe(0);
    expect(old.out).toMatch(/^\[1\] Owls — .*owls\.md/);
    expect(old.out).toContain("Barn owls hunt over the meadow at dusk.");
    expect((await search("tawny pinewood")).out).not.toContain("tawny");
    expect((await search("neap quarter moon")).out).toContain("Neap tides follow");
  }, 60_000);

  it("when every changed document fails, saves nothing and says why", async () => {
    await writeFile(join(folder, "tides.md"), "# Tides\n\nA forbidden tide table.\n");
    const before = await manifestVersion();
    const { code, out } = await ingest("--json");
    expect(code).toBe(exitCodes.documentsFailed);
    const summary = JSON.parse(out) as Record<string, unknown>;
    expect(summary).toMatchObject({ version: null, added: 0, replaced: 0, failed: 2 });
    expect(summary.failures).toEqual([
      expect.objectContaining({ reason: expect.stringContaining("422"), previousVersion: "kept" }),
      expect.objectContaining({ reason: expect.stringContaining("422"), previousVersion: "kept" }),
    ]);
    expect(await manifestVersion()).toBe(before);
    const text = await ingest();
    expect(text.out).toMatch(/^Nothing saved to .*: every new or changed document failed/);
    expect((await search("neap quarter moon")).out).toContain("Neap tides follow");
  }, 60_000);

  it("a second writer gets locked naming the holder (exit 4), or waits with --wait", async () => {
    await writeFile(join(folder, "tides.md"), "# Tides\n\nNeap tides follow the quarter moon.\n");
    await writeFile(join(folder, "owls.md"), "# Owls\n\nBarn owls nest in the old mill.\n");
    // Another process holds the lock, as a first `hybrid-rag ingest` would.
    const holder = await holdLockInChild(collection);
    try {
      const refused = await ingest();
      expect(refused.code).toBe(exitCodes.locked);
      expect(refused.err).toMatch(
        new RegExp(`^hybrid-rag: locked: .* is being written by process ${holder.pid} on `),
      );
      expect(refused.err).toContain("--wait <seconds>");
      const waiting = ingest("--wait", "30");
      await sleep(300);
      await holder.release();
      const waited = await waiting;
      expect(waited).toMatchObject({ code: 0, err: "" });
      expect((await search("old mill")).out).toContain("Barn owls nest in the old mill.");
    } finally {
      await holder.release();
    }
    const bad = captureIo();
    expect(await runCli(["ingest", folder, "--into", collection, "--wait", "-1"], bad)).toBe(2);
    expect(bad.err()).toContain("expected seconds from 0 to 86400");
  }, 60_000);

  it("two `hybrid-rag ingest` processes into one collection: both folders end up searchable", async () => {
    const target = join(workspace, "shared-collection");
    // Distinct file names: document ids are paths relative to the folder ingested.
    const folders = [join(workspace, "north"), join(workspace, "south")];
    for (const [side, path] of folders.entries()) {
      await mkdir(path);
      for (let index = 0; index < 20; index++) {
        await writeFile(
          join(path, `${side === 0 ? "north" : "south"}-note-${index}.md`),
          `# Note ${index}\n\nField note ${index} from the ${side === 0 ? "northern" : "southern"} station.\n`,
        );
      }
    }
    const bin = fileURLToPath(new URL("./bin.ts", import.meta.url));
    const run = (folderPath: string) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            bin,
            "ingest",
            folderPath,
            "--into",
            target,
            ...model(),
            "--no-progress",
            "--wait",
            "60",
          ],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let out = "";
        let err = "";
        child.stdout.on("data", (data: Buffer) => {
          out += data.toString();
        });
        child.stderr.on("data", (data: Buffer) => {
          err += data.toString();
        });
        child.on("exit", (code) => resolve({ code, out, err }));
      });
    const results = await Promise.all(folders.map(run));
    for (const result of results) expect(result, result.err).toMatchObject({ code: 0, err: "" });
    expect(results.map((result) => /\(version (\d)\)/.exec(result.out)?.[1]).sort()).toEqual([
      "1",
      "2",
    ]);
    const io = captureIo();
    expect(
      await runCli(
        ["search", target, "field note station", ...model(), "--json", "--top-k", "40"],
        io,
      ),
    ).toBe(0);
    const { hits } = JSON.parse(io.out()) as { hits: Array<{ source: string }> };
    expect(new Set(hits.map((hit) => hit.source)).size).toBe(40);
  }, 120_000);

  it("search prints control characters and escape sequences of documents escaped", async () => {
    await writeFile(
      join(folder, "hostile.txt"),
      "Quarterly beacon report \u001b]0;owned\u0007 with \u001b[2J\u001b[31mred\u001b[0m text and \u202eevil\u202c order.",
    );
    expect((await ingest()).code).toBe(0);
    const { code, out } = await search("quarterly beacon report");
    expect(code).toBe(0);
    expect(out).toContain(
      "Quarterly beacon report \\x1b]0;owned\\x07 with \\x1b[2J\\x1b[31mred\\x1b[0m text and \\u202eevil\\u202c order.",
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none reach the terminal.
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  }, 60_000);
});

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

let workspace: string;
let folder: string;
let collection: string;

const text = (index: number) =>
  `Page ${index} of the field manual. The marker zq${index.toString(36).replace(/\d/g, (digit) => "abcdefghij"[Number(digit)]!)}x appears only in this file, beside some ordinary words about pumps, valves and gauges.`;

/** Every file under a directory: name, size, mtime and content hash. */
async function filesOf(directory: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    const hash = createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
    files[path.slice(directory.length)] = `${info.size} ${info.mtimeMs} ${hash}`;
  }
  return files;
}

async function ingest(...flags: string[]) {
  const io = captureIo();
  const code = await runCli(
    [
      "ingest",
      folder,
      "--into",
      collection,
      "--embedding-model",
      "none",
      "--no-progress",
      ...flags,
    ],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

const manifestVersion = async () =>
  (JSON.parse(await readFile(join(collection, "manifest.json"), "utf8")) as { version: number })
    .version;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-incremental-"));
  folder = join(workspace, "docs");
  collection = join(workspace, "collection");
  await mkdir(join(folder, "drafts"), { recursive: true });
  for (let index = 0; index < 30; index++) {
    await writeFile(join(folder, `page-${index}.txt`), text(index));
  }
  await writeFile(join(folder, "notes.md"), "# Notes\n\nA markdown note about gauges.");
  await writeFile(join(folder, "drafts", "draft.txt"), "A draft about valves.");
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag ingest, incremental", () => {
  it("--exclude, --include and .hybridragignore leave files out, counted in the summary", async () => {
    await writeFile(join(folder, ".hybridragignore"), "# drafts are not published\ndrafts/\n");
    const first = await ingest("--exclude", "*.md");
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toContain("added 30,");
    expect(first.out).toMatch(/excluded {4}2 files/);
    const io = captureIo();
    await runCli(["search", collection, "gauges", "--json", "--top-k", "50"], io);
    const sources = (JSON.parse(io.out()) as { hits: Array<{ source: string }> }).hits.map(
      (hit) => hit.source,
    );
    expect(sources.some((source) => source.endsWith("notes.md"))).toBe(false);
    const only = await ingest("--include", "page-1*.txt", "--json");
    const summary = JSON.parse(only.out) as {
      excluded: number;
      missing: number;
      unchanged: number;
    };
    // page-1, page-10 … page-19 stay; the other 19 pages are excluded and reported missing.
    expect(summary.unchanged).toBe(11);
    expect(summary.excluded).toBe(19 + 2);
    expect(summary.missing).toBe(19);
  });

  it("an unchanged re-ingest writes no file and makes no version", async () => {
    const version = await manifestVersion();
    const before = await filesOf(collection);
    const again = await ingest("--exclude", "*.md");
    expect(again.code).toBe(0);
    expect(again.out).toContain(`Nothing changed: ${collection} stays at version ${version}`);
    expect(again.out).toContain("unchanged 30");
    expect(await filesOf(collection)).toEqual(before);
    expect(await manifestVersion()).toBe(version);
  });

  it("an unchanged re-ingest reads only the parent records, not the indexes", async () => {
    const manifest = JSON.parse(await readFile(join(collection, "manifest.json"), "utf8")) as {
      directory: string;
    };
    const sparse = join(collection, manifest.directory, "sparse.bm25");
    const saved = await readFile(sparse);
    await writeFile(sparse, "not an index");
    try {
      const again = await ingest("--exclude", "*.md");
      expect(again.code).toBe(0);
      expect(again.out).toContain("Nothing changed");
      // The damage is real: opening the collection (search) reports it.
      const io = captureIo();
      expect(await runCli(["search", collection, "gauges"], io)).toBe(1);
    } finally {
      await writeFile(sparse, saved);
    }
  });

  it("a changed file writes one small segment and leaves the rest as it was", async () => {
    const before = await filesOf(collection);
    await writeFile(join(folder, "page-3.txt"), `${text(3)} Revised: now about compressors.`);
    const changed = await ingest("--exclude", "*.md");
    expect(changed.out).toContain("replaced 1, unchanged 29");
    const after = await filesOf(collection);
    const added = Object.keys(after).filter((path) => !(path in before));
    const rewritten = Object.keys(before).filter(
      (path) => path in after && after[path] !== before[path],
    );
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^\/segment-\d{6}-[0-9a-f]{8}\.jsonl$/);
    expect(rewritten).toEqual(["/manifest.json"]);
    const segment = await readFile(join(collection, added[0]!), "utf8");
    expect(segment.trim().split("\n")).toHaveLength(1);
    expect(segment).toContain("compressors");
  });

  it("reports files gone from the folder in every summary, and hybrid-rag.json can delete them", async () => {
    for (const index of [5, 6, 7]) await rm(join(folder, `page-${index}.txt`));
    for (let run = 0; run < 2; run++) {
      const report = await ingest("--exclude", "*.md");
      expect(report.out).toContain(
        `missing     3 files gone from the folder, still in the collection; --remove-missing deletes them`,
      );
      expect(report.out).toContain("page-5.txt");
    }
    await writeFile(
      join(collection, "hybrid-rag.json"),
      JSON.stringify({ ingest: { removeMissing: true, exclude: ["*.md"] } }),
    );
    const kept = await ingest("--no-remove-missing");
    expect(kept.out).toContain("missing     3 files");
    const removed = await ingest();
    expect(removed.out).toContain("removed 3)");
    expect(removed.out).not.toContain("missing");
    await writeFile(join(collection, "hybrid-rag.json"), '{"ingest": {"removeMissing": "yes"}}');
    const bad = await ingest();
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("hybrid-rag.json");
    expect(bad.err).toContain("removeMissing");
    await rm(join(collection, "hybrid-rag.json"));
  });
});

describe("hybrid-rag ingest, interrupted with Ctrl-C (SIGINT)", () => {
  it("stops after the batch in flight, says how to resume, and the next run resumes", async () => {
    const big = join(workspace, "big");
    const into = join(workspace, "big-collection");
    await mkdir(big);
    for (let index = 0; index < 1500; index++) {
      await writeFile(join(big, `file-${String(index).padStart(4, "0")}.txt`), text(index));
    }
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL("./bin.ts", import.meta.url)),
        "ingest",
        big,
        "--into",
        into,
        "--embedding-model",
        "none",
        "--no-progress",
        "--checkpoint-every",
        "20",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    // Interrupt once the first step is committed.
    while (!existsSync(join(into, "manifest.json"))) await sleep(10);
    child.kill("SIGINT");
    expect(await exited, stderr).toBe(130);
    expect(stderr).toContain("interrupted; stopping after the batch in flight");
    expect(stderr).toMatch(
      /Interrupted: \d+ documents are committed in .* run the same command again to resume/,
    );
    const committed = Number(/Interrupted: (\d+) documents/.exec(stderr)?.[1]);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(1500);
    const io = captureIo();
    const code = await runCli(
      ["ingest", big, "--into", into, "--embedding-model", "none", "--no-progress", "--json"],
      io,
    );
    expect(code).toBe(0);
    expect(io.err()).toContain("resuming the ingest of");
    const summary = JSON.parse(io.out()) as { added: number; unchanged: number };
    expect(summary.unchanged).toBe(committed);
    expect(summary.added + summary.unchanged).toBe(1500);
  }, 120_000);
});

// Incremental ingest, measured (issue 27): `hybrid-rag ingest` of a folder of generated documents,
// then again unchanged (it must write no file), then with 1 % of the files changed (it must write
// only a segment of them and the manifest). Each phase runs in its own process. The unchanged
// re-ingest runs --runs times (medians), alternating with --baseline-cli (another checkout's
// apps/cli/src/main.ts, e.g. main's) when given, so that both are measured under the same load.
//   pnpm --filter @hybrid-rag/benchmark-collection bench:incremental [--documents 5000] [--embedding-model use-lite] [--runs 5] [--baseline-cli <main.ts>]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "@hybrid-rag/core/internal";
import { Command, Option } from "commander";

const options = new Command()
  .option("--documents <n>", "generated documents", (value) => Number(value), 5000)
  .addOption(
    new Option("--embedding-model <name>", "the dense side: none (BM25-only) or USE-lite")
      .choices(["none", "use-lite"])
      .default("none"),
  )
  .option("--runs <n>", "unchanged re-ingests (medians)", (value) => Number(value), 5)
  .option("--baseline-cli <main.ts>", "another checkout's apps/cli/src/main.ts, run alternately")
  .parse()
  .opts<{
    documents: number;
    embeddingModel: "none" | "use-lite";
    runs: number;
    baselineCli?: string;
  }>();
const ownCli = fileURLToPath(new URL("../../../apps/cli/src/main.ts", import.meta.url));

const workspace = await mkdtemp(join(tmpdir(), "bench-incremental-"));
const folder = join(workspace, "docs");
const directory = join(workspace, "collection");
const random = mulberry32(27);
const vocabulary = Array.from({ length: 5000 }, (_, index) => `term${index.toString(36)}`);
const documentText = (index: number) =>
  `Document ${index}\n\n${Array.from({ length: 150 + Math.floor(random() * 300) }, () => vocabulary[Math.floor(random() ** 2 * vocabulary.length)]).join(" ")}\n`;
for (let index = 0; index < options.documents; index++) {
  const sub = join(folder, `part-${Math.floor(index / 500)}`);
  if (index % 500 === 0) await mkdir(sub, { recursive: true });
  await writeFile(join(sub, `doc-${index}.txt`), documentText(index));
}

/** name → "size mtime sha256" of every file in the collection directory. */
async function files(): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    const hash = createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
    result.set(path.slice(directory.length + 1), `${info.size} ${info.mtimeMs} ${hash}`);
  }
  return result;
}

async function phase(name: string, cli = ownCli) {
  const before = await files().catch(() => new Map<string, string>());
  const started = performance.now();
  const output = execFileSync(
    process.execPath,
    [
      "--experimental-strip-types",
      "--disable-warning=ExperimentalWarning",
      fileURLToPath(new URL("./incremental-run.ts", import.meta.url)),
      folder,
      directory,
      options.embeddingModel,
      cli,
    ],
    { encoding: "utf8" },
  );
  // The whole process: start, imports, the ingest, exit.
  const processMs = performance.now() - started;
  const run = JSON.parse(output) as Record<string, unknown> & { ms: number };
  const after = await files();
  const written = [...after].filter(([path, state]) => before.get(path) !== state);
  let bytes = 0;
  for (const [path] of written) bytes += (await stat(join(directory, path))).size;
  return {
    name,
    ...run,
    processMs,
    filesWritten: written.length,
    bytesWritten: bytes,
    writtenNames: written.map(([path]) => path),
  };
}

const first = await phase("first ingest");
const unchangedRuns: Awaited<ReturnType<typeof phase>>[] = [];
const baselineRuns: Awaited<ReturnType<typeof phase>>[] = [];
for (let run = 0; run < options.runs; run++) {
  if (options.baselineCli)
    baselineRuns.push(await phase("unchanged, baseline", options.baselineCli));
  unchangedRuns.push(await phase("unchanged re-ingest"));
}
/** The run of median in-process time (its other figures with it); files written: the most. */
const median = (runs: Awaited<ReturnType<typeof phase>>[], name: string) => {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  const processMs = [...runs].map((run) => run.processMs).sort((a, b) => a - b);
  return {
    ...middle,
    name,
    processMs: processMs[Math.floor(processMs.length / 2)]!,
    filesWritten: Math.max(...runs.map((run) => run.filesWritten)),
  };
};
const unchanged = median(unchangedRuns, `unchanged (median of ${options.runs})`);
const baseline = options.baselineCli
  ? median(baselineRuns, `baseline unchanged (${options.runs})`)
  : undefined;
const changedCount = Math.max(1, Math.floor(options.documents / 100));
for (let index = 0; index < changedCount; index++) {
  const path = join(folder, `part-${Math.floor((index * 97) / 500)}`, `doc-${index * 97}.txt`);
  await writeFile(path, `${documentText(index * 97)}A revised closing line.\n`);
}
const changed = await phase(`${changedCount} files changed`);
const total = [...(await files()).values()].reduce(
  (sum, state) => sum + Number(state.split(" ")[0]),
  0,
);
console.log(
  `hybrid-rag ingest, ${options.documents} documents (${options.embeddingModel === "use-lite" ? "BM25 + USE-lite" : "BM25-only"}), collection ${(total / 1e6).toFixed(1)} MB`,
);
console.log(
  "phase                          | time     | ratio | process  | ratio | peak RSS | files written | bytes written | added/replaced/unchanged",
);
const phases = [first, ...(baseline ? [baseline] : []), unchanged, changed];
for (const run of phases) {
  const r = run as typeof run & {
    maxRssMb: number;
    added: number;
    replaced: number;
    unchanged: number;
  };
  console.log(
    `${run.name.padEnd(30)} | ${(run.ms / 1000).toFixed(2).padStart(6)} s | ${(run.ms / first.ms).toFixed(3)} | ${(run.processMs / 1000).toFixed(2).padStart(6)} s | ${(run.processMs / first.processMs).toFixed(3)} | ${r.maxRssMb.toFixed(0).padStart(5)} MB | ${String(run.filesWritten).padStart(13)} | ${String(run.bytesWritten).padStart(13)} | ${r.added}/${r.replaced}/${r.unchanged}`,
  );
}
console.log(`written by the change: ${changed.writtenNames.join(", ")}`);
console.log(
  `unchanged, each run (in-process / process s): ${unchangedRuns.map((run) => `${(run.ms / 1000).toFixed(2)}/${(run.processMs / 1000).toFixed(2)}`).join(", ")}`,
);
if (options.baselineCli) {
  console.log(
    `baseline, each run: ${baselineRuns.map((run) => `${(run.ms / 1000).toFixed(2)}/${(run.processMs / 1000).toFixed(2)}`).join(", ")}`,
  );
}
for (const run of phases) {
  const r = run as typeof run & { stages: Record<string, number> };
  console.log(
    `${run.name}: ${Object.entries(r.stages)
      .map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(2)} s`)
      .join(", ")}`,
  );
}
await rm(workspace, { recursive: true, force: true });

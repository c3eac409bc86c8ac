import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createEmbeddedCollection, readCollectionManifest } from "@hybrid-rag/collection";
import { Command } from "commander";

// `hybrid-rag search` on a ~200 MB collection (issue 27): one query cold (the CLI opens the
// collection: store + BM25 index) against the same query answered by a running `hybrid-rag
// serve` on the directory (the CLI finds it by serve.json). Wall time and peak RSS of the
// `search` process, measured by GNU time (/usr/bin/time, Debian package `time`).

const options = new Command("search-cold-warm")
  .requiredOption("--dir <dir>", "collection directory (generated there when it holds none)")
  .option("--target-mib <n>", "approximate size of the generated collection on disk", "200")
  .option("--runs <n>", "repetitions of each measure (medians are reported)", "3")
  .option("--query <text>", "the query", "lorevan quistel admarine")
  .parse()
  .opts<{ dir: string; targetMib: string; runs: string; query: string }>();

const cli = join(import.meta.dirname, "../../../apps/cli/src/bin.ts");
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same corpus. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** 50,000 made-up words drawn with a Zipf-like law: a realistic BM25 term table and postings. */
function* documents(targetTextBytes: number) {
  const next = random(27);
  const syllables = [
    "lo",
    "re",
    "van",
    "quis",
    "tel",
    "ad",
    "ma",
    "rine",
    "po",
    "ke",
    "dra",
    "sun",
    "til",
    "ber",
    "os",
    "ca",
    "mir",
    "an",
    "du",
    "vel",
  ];
  const vocabulary = Array.from({ length: 50_000 }, (_, index) => {
    let word = "";
    for (let n = index + 7; n > 0; n = Math.floor(n / syllables.length))
      word += syllables[n % syllables.length];
    return word;
  });
  const pick = () => vocabulary[Math.floor(vocabulary.length * next() ** 3)]!;
  let bytes = 0;
  for (let id = 0; bytes < targetTextBytes; id++) {
    const sentences: string[] = [];
    for (let s = 0; s < 25; s++) sentences.push(`${Array.from({ length: 14 }, pick).join(" ")}.`);
    const text = sentences.join(" ");
    bytes += text.length;
    yield {
      id: `doc-${id}`,
      title: `${pick()} ${pick()}`,
      text,
      source: `generated/doc-${id}.txt`,
    };
  }
}

async function sizeOnDisk(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function ensureCollection(directory: string, targetMib: number): Promise<void> {
  if (await readCollectionManifest(directory)) return;
  const started = performance.now();
  const collection = createEmbeddedCollection({ chunking: { maxTokens: 256 } });
  // The store holds the text and per-chunk metadata; the BM25 index adds about a third.
  const summary = await collection.ingest(documents(targetMib * 2 ** 20 * 0.6));
  await collection.save(directory);
  console.log(
    `generated ${directory}: ${summary.documents} documents, ${summary.chunks} chunks in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

function measure(directory: string, query: string, flags: string[]) {
  const result = spawnSyncTimed(directory, query, flags);
  const answer = JSON.parse(result.stdout) as { hits: { id: string }[]; server?: string };
  return { seconds: result.seconds, peakMib: result.peakKib / 1024, answer };
}

/** Runs one `hybrid-rag search` under GNU time: what it printed, wall seconds and peak RSS. */
function spawnSyncTimed(directory: string, query: string, flags: string[]) {
  const child = spawnSync(
    "/usr/bin/time",
    ["-f", "__time %e %M", process.execPath, cli, "search", directory, query, "--json", ...flags],
    { encoding: "utf8", maxBuffer: 64 * 2 ** 20 },
  );
  const match = /__time ([\d.]+) (\d+)/.exec(child.stderr);
  if (child.status !== 0 || !match)
    throw new Error(`search failed (${child.status}): ${child.stderr}`);
  return { stdout: child.stdout, seconds: Number(match[1]), peakKib: Number(match[2]) };
}

async function startServe(
  directory: string,
): Promise<{ child: ChildProcess; url: string; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, "serve", directory, "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      const match = / on (http:\/\/\S+) /.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { child, url, seconds: (performance.now() - started) / 1000 };
}

async function residentMib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const directory = options.dir;
const runs = Number(options.runs);
await ensureCollection(directory, Number(options.targetMib));
const manifest = (await readCollectionManifest(directory))!;
const diskMib = (await sizeOnDisk(directory)) / 2 ** 20;

const cold = Array.from({ length: runs }, () => measure(directory, options.query, ["--no-server"]));
const serve = await startServe(directory);
try {
  const warm = Array.from({ length: runs }, () => measure(directory, options.query, []));
  if (warm.some((run) => run.answer.server !== serve.url))
    throw new Error("a warm search did not go through the serve");
  const same = warm.every(
    (run) =>
      JSON.stringify(run.answer.hits.map((hit) => hit.id)) ===
      JSON.stringify(cold[0]!.answer.hits.map((hit) => hit.id)),
  );
  const row = (name: string, values: { seconds: number; peakMib: number }[]) =>
    `| ${name} | ${median(values.map((v) => v.seconds)).toFixed(2)} s | ${median(values.map((v) => v.peakMib)).toFixed(0)} MiB |`;
  console.log(
    [
      `collection: ${diskMib.toFixed(0)} MiB on disk, ${manifest.counts.parents} documents, ${manifest.counts.chunks} chunks, BM25 only (${manifest.bm25.analyzer} analyzer); query ${JSON.stringify(options.query)}; ${runs} runs, medians`,
      "",
      "| one `hybrid-rag search` | wall time | peak RSS of the search process |",
      "| --- | ---: | ---: |",
      row("cold: opens the collection (`--no-server`)", cold),
      row("warm: through `hybrid-rag serve` (found by serve.json)", warm),
      "",
      `the serve: ready in ${serve.seconds.toFixed(1)} s, ${(await residentMib(serve.child.pid!)).toFixed(0)} MiB resident; same top-10 as cold: ${same}`,
    ].join("\n"),
  );
} finally {
  serve.child.kill("SIGTERM");
  await once(serve.child, "exit");
}

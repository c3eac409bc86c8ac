// One phase of `incremental.ts`, in a fresh process so that its time and peak memory are its own:
//   node incremental-run.ts <folder> <collection directory> <embedding model: none|use-lite> [<cli main.ts>]
// Runs `hybrid-rag ingest <folder> --into <dir> --json` in this process (the CLI's own code,
// loaded from apps/cli) and prints one JSON line: wall time, peak memory, the summary's counts.
import { pathToFileURL } from "node:url";

const [folder, directory, embeddingModel, cliPath] = process.argv.slice(2) as [
  string,
  string,
  string,
  string | undefined,
];
// Loaded by URL, not by package: the benchmark does not depend on the CLI app (and may run
// another checkout's, as a baseline).
const cliMain = cliPath
  ? pathToFileURL(cliPath).href
  : new URL("../../../apps/cli/src/main.ts", import.meta.url).href;
const { runCli } = (await import(cliMain)) as {
  runCli: (argv: string[], io: unknown) => Promise<number>;
};
let out = "";
let err = "";
const io = {
  stdout: { write: (text: string) => (out += text) },
  stderr: Object.assign(
    new (await import("node:stream")).Writable({
      write(chunk, _encoding, done) {
        err += String(chunk);
        done();
      },
    }),
    { isTTY: false },
  ),
};
const started = performance.now();
const code = await runCli(
  [
    "ingest",
    folder,
    "--into",
    directory,
    "--embedding-model",
    embeddingModel,
    "--no-progress",
    "--json",
  ],
  io,
);
const ms = performance.now() - started;
if (code !== 0) throw new Error(`hybrid-rag ingest exited ${code}: ${err}`);
const summary = JSON.parse(out) as Record<string, unknown>;
process.stdout.write(
  `${JSON.stringify({
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    added: summary.added,
    replaced: summary.replaced,
    unchanged: summary.unchanged,
    chunks: summary.chunks,
    stages: summary.stages,
    saved: summary.saved,
  })}\n`,
);

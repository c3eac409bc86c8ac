// One measurement of `text-path.ts`, in a fresh process, against the packages of one checkout:
//   node text-path-run.ts <checkout> <beir folder> <bm25|hybrid> <queries file> <dimension>
// Imports that checkout's own collection, core and loaders sources (so `before` runs the code
// of another commit), ingests the folder, then runs every query once untimed and once timed.
// Prints one JSON line: ingest wall ms (the summary's elapsedMs) and CPU ms, chunks, search wall
// and CPU ms per query.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [checkout, folder, side, queriesFile, dimensionText] = process.argv.slice(2) as [
  string,
  string,
  "bm25" | "hybrid",
  string,
  string,
];
const source = (path: string) => import(pathToFileURL(join(checkout, "packages", path)).href);
const { createEmbeddedCollection } = await source("collection/src/index.ts");
const { HashingEmbedder } = await source("core/src/testing/index.ts");
const { loadFolder } = await source("loaders/src/index.ts");

const collection = createEmbeddedCollection({
  ...(side === "hybrid" ? { embedder: new HashingEmbedder(Number(dimensionText)) } : {}),
  chunking: { maxTokens: 256 },
});
// CPU time of the process as well as wall time: on a shared machine the wall time mostly
// measures the other jobs, the CPU time much less so.
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const ingestCpu = process.cpuUsage();
const summary = await collection.ingest(loadFolder(folder));
const ingestCpuMs = cpuMs(ingestCpu);
const queries = (await readFile(queriesFile, "utf8"))
  .split("\n")
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { text: string }).text);
// One untimed pass (JIT, lazily built structures), then the timed one.
for (const query of queries) await collection.search(query, { topK: 10 });
const started = performance.now();
const searchCpu = process.cpuUsage();
for (const query of queries) await collection.search(query, { topK: 10 });
const searchMs = (performance.now() - started) / queries.length;
const searchCpuMs = cpuMs(searchCpu) / queries.length;
console.log(
  JSON.stringify({
    ingestMs: summary.elapsedMs,
    ingestCpuMs,
    chunks: summary.chunks,
    searchMsPerQuery: searchMs,
    searchCpuMsPerQuery: searchCpuMs,
  }),
);

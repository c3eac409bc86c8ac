import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HybridRagError } from "@hybrid-rag/core";
import type { CorpusSpec } from "./corpus-spec.ts";
import { describeDidNotFinish } from "./did-not-finish.ts";
import { mergeResults } from "./merge-results.ts";
import { committedResults, writeTables } from "./readme-files.ts";
import type { PeersResults } from "./results.ts";
import { runBenchmark } from "./run-benchmark.ts";
import { defaultVectorCache } from "./scifact-corpus.ts";
import { systems } from "./systems.ts";

/**
 * pnpm --filter @hybrid-rag/benchmark-peers bench [--corpus scifact,synthetic] [--documents 200000]
 *   [--runs 3] [--systems id,…] [--build-budget 600] [--query-budget 180] [--results file]
 *   [--no-readme] [--merge]   (see the README for every flag)
 */
const { values } = parseArgs({
  options: {
    corpus: { type: "string", default: "scifact,synthetic" },
    documents: { type: "string", default: "200000" },
    queries: { type: "string", default: "1000" },
    dimension: { type: "string", default: "384" },
    runs: { type: "string", default: "3" },
    systems: { type: "string", default: systems.map((system) => system.id).join(",") },
    "timed-queries": { type: "string", default: "200" },
    "warm-up-passes": { type: "string", default: "2" },
    "min-timed-seconds": { type: "string", default: "2" },
    "top-k": { type: "string", default: "10" },
    "build-budget": { type: "string", default: "600" },
    "query-budget": { type: "string", default: "180" },
    "vector-cache": { type: "string", default: defaultVectorCache },
    scifact: {
      type: "string",
      default: fileURLToPath(new URL("../../../../shared/datasets/scifact", import.meta.url)),
    },
    results: { type: "string", default: committedResults },
    "no-readme": { type: "boolean", default: false },
    merge: { type: "boolean", default: false },
  },
});

function positiveInteger(flag: string): number {
  const text = values[flag as keyof typeof values] as string;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new HybridRagError(
      "invalid-argument",
      `--${flag} must be a whole number ≥ 1, got "${text}".`,
    );
  }
  return value;
}

const known = new Set(systems.map((system) => system.id));
const chosen = values.systems.split(",").filter(Boolean);
const unknown = chosen.filter((id) => !known.has(id));
if (unknown.length > 0 || chosen.length === 0) {
  throw new HybridRagError(
    "invalid-argument",
    `--systems: unknown ${unknown.map((id) => `"${id}"`).join(", ") || "(none given)"}; choose from ${[...known].join(", ")}.`,
  );
}
const corpora: CorpusSpec[] = values.corpus.split(",").map((name) => {
  if (name === "scifact")
    return { kind: "scifact", folder: values.scifact, vectorCache: values["vector-cache"] };
  if (name === "synthetic") {
    return {
      kind: "synthetic",
      documents: positiveInteger("documents"),
      queries: positiveInteger("queries"),
      dimension: positiveInteger("dimension"),
    };
  }
  throw new HybridRagError(
    "invalid-argument",
    `--corpus: unknown "${name}"; use scifact, synthetic or both (comma-separated).`,
  );
});

const write = async (results: PeersResults) => {
  const written = values.merge ? await mergeResults(values.results, results) : results;
  await mkdir(dirname(values.results), { recursive: true });
  await writeFile(values.results, `${JSON.stringify(written, null, 2)}\n`);
  if (!values["no-readme"]) await writeTables(written);
};
// Written after every measurement (medians of the runs done so far), then once more at the end.
await write(
  await runBenchmark({
    corpora,
    systems: chosen,
    runs: positiveInteger("runs"),
    settings: {
      timedQueries: positiveInteger("timed-queries"),
      warmUpPasses: positiveInteger("warm-up-passes"),
      minTimedSeconds: Number(values["min-timed-seconds"]),
      topK: positiveInteger("top-k"),
    },
    budgets: {
      buildSeconds: positiveInteger("build-budget"),
      querySeconds: positiveInteger("query-budget"),
    },
    command:
      `pnpm --filter @hybrid-rag/benchmark-peers bench ${process.argv.slice(2).join(" ")}`.trim(),
    onResults: write,
    onFailure: (corpus, system, run, message) =>
      console.error(`${corpus} · ${system} · run ${run}: FAILED, ${message}`),
    onMeasurement: (corpus, system, run, result) =>
      console.error(
        `${corpus} · ${system} · run ${run}: ${
          "phase" in result
            ? `DNF, ${describeDidNotFinish(result)}`
            : `nDCG@10 ${result.ndcgAt10.toFixed(4)}, build ${result.buildSeconds.toFixed(2)} s, ${result.queriesPerSecond.toFixed(1)} q/s`
        }`,
      ),
  }),
);
console.log(`results: ${values.results}`);

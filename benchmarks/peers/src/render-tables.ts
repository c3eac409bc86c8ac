import { describeDidNotFinish } from "./did-not-finish.ts";
import type { SystemMeasurement } from "./measure-system.ts";
import type { CorpusResult, PeersResults, SystemResult } from "./results.ts";

const kindTitles = { bm25: "BM25", vectors: "vectors", hybrid: "hybrid" } as const;
const mebibytes = (bytes: number) =>
  (bytes / 2 ** 20).toLocaleString("en", { maximumFractionDigits: 0 });
const fixed = (value: number, digits: number) => value.toFixed(digits);
const rate = (value: number) =>
  value.toLocaleString("en", { maximumFractionDigits: value < 100 ? 1 : 0 });

const runsAsked = (count: number) => `${count} run${count === 1 ? "" : "s"}`;

/** A row's cells: the median where a run finished, else what the killed run had measured, else DNF. */
function cells(system: SystemResult): string[] {
  const figures: Partial<SystemMeasurement> = system.median ?? system.partial ?? {};
  const missing = system.failure !== undefined && !system.median ? "failed" : "DNF";
  const cell = (key: keyof SystemMeasurement, format: (value: number) => string) => {
    const value = figures[key];
    return value === undefined ? missing : format(value);
  };
  return [
    cell("ndcgAt10", (value) => fixed(value, 4)),
    cell("recallAt100", (value) => fixed(value, 4)),
    cell("buildSeconds", (value) => fixed(value, 2)),
    cell("rssDeltaBytes", mebibytes),
    cell("heapDeltaBytes", mebibytes),
    cell("queriesPerSecond", rate),
    String(system.runs.length),
  ];
}

/** The error's own line: the last line of the child's stderr that names an error. */
const errorLine = (failure: string) =>
  failure
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /Error\b/.test(line))
    .at(-1) ?? failure.split("\n")[0]!;

function budgetLine(corpus: CorpusResult): string[] {
  const unfinished = corpus.systems.filter((system) => system.didNotFinish);
  const budgets = corpus.budgets
    ? `Budgets per run: build ${corpus.budgets.buildSeconds} s, queries ${corpus.budgets.querySeconds} s; a system past one is killed and reported DNF (did not finish), and not run again.`
    : "";
  const notes = unfinished.map(
    (system) => `- DNF, ${system.label}: ${describeDidNotFinish(system.didNotFinish!)}.`,
  );
  for (const system of corpus.systems.filter((candidate) => candidate.failure)) {
    notes.push(`- Failed, ${system.label}: ${errorLine(system.failure!)}`);
  }
  return [...(budgets ? ["", budgets] : []), ...(notes.length > 0 ? ["", ...notes] : [])];
}

/** The Markdown the package README and the root README show, rendered from the results file alone. */
export function renderTables(results: PeersResults): string {
  const { machine, settings } = results;
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}.`,
    `Medians of the runs done (each corpus says how many were asked; each row how many finished), each system in its own process; q/s: top-${settings.topK}, one query at a time, after ${settings.warmUpPasses} warm-up passes over the same ${settings.timedQueries} queries for every system.`,
    `Peers: ${Object.entries(results.peers)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}.`,
  ];
  for (const corpus of results.corpora) {
    lines.push(
      "",
      `**${corpus.name}**: ${corpus.documents.toLocaleString("en")} documents, ${corpus.queries.toLocaleString("en")} judged queries; vectors: ${corpus.vectors}.`,
      `\`${corpus.command}\` (${corpus.date}; ${runsAsked(corpus.runsAsked ?? settings.runs)} asked; load average ${corpus.loadAverage[0].toFixed(1)} before, ${corpus.loadAverage[1].toFixed(1)} after).`,
      "",
      "| query | system | nDCG@10 | recall@100 | build s | RSS Δ MiB | heap Δ MiB | q/s | runs |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const system of corpus.systems) {
      lines.push(`| ${kindTitles[system.kind]} | ${system.label} | ${cells(system).join(" | ")} |`);
    }
    lines.push(...budgetLine(corpus));
  }
  return `${lines.join("\n")}\n`;
}

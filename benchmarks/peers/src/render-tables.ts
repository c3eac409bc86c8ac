import type { PeersResults } from "./results.ts";

const kindTitles = { bm25: "BM25", vectors: "vectors", hybrid: "hybrid" } as const;
const mebibytes = (bytes: number) =>
  (bytes / 2 ** 20).toLocaleString("en", { maximumFractionDigits: 0 });
const fixed = (value: number, digits: number) => value.toFixed(digits);
const rate = (value: number) =>
  value.toLocaleString("en", { maximumFractionDigits: value < 100 ? 1 : 0 });

/** The Markdown the package README and the root README show, rendered from the results file alone. */
export function renderTables(results: PeersResults): string {
  const { machine, settings } = results;
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}.`,
    `Medians of the runs done (${settings.runs} asked; each row says how many), each system in its own process; q/s: top-${settings.topK}, one query at a time, after ${settings.warmUpPasses} warm-up passes over the same ${settings.timedQueries} queries for every system.`,
    `Peers: ${Object.entries(results.peers)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}.`,
  ];
  for (const corpus of results.corpora) {
    lines.push(
      "",
      `**${corpus.name}**: ${corpus.documents.toLocaleString("en")} documents, ${corpus.queries.toLocaleString("en")} judged queries; vectors: ${corpus.vectors}.`,
      `\`${corpus.command}\` (${corpus.date}; load average ${corpus.loadAverage[0].toFixed(1)} before, ${corpus.loadAverage[1].toFixed(1)} after).`,
      "",
      "| query | system | nDCG@10 | recall@100 | build s | RSS Δ MiB | heap Δ MiB | q/s | runs |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const system of corpus.systems) {
      const m = system.median;
      lines.push(
        `| ${kindTitles[system.kind]} | ${system.label} | ${fixed(m.ndcgAt10, 4)} | ${fixed(m.recallAt100, 4)} | ${fixed(m.buildSeconds, 2)} | ${mebibytes(m.rssDeltaBytes)} | ${mebibytes(m.heapDeltaBytes)} | ${rate(m.queriesPerSecond)} | ${system.runs.length} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

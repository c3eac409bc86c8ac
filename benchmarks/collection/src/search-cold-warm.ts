import { copyFile, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readCollectionManifest } from "@hybrid-rag/collection";
import { Command } from "commander";
import { ensureGeneratedCollection } from "./generated-collection.ts";
import { median, startListening, timedNode } from "./timed-process.ts";

// `hybrid-rag search` on a ~200 MB collection (issue 27): one query cold (the CLI opens the
// collection) and through a running `hybrid-rag serve` (found by serve.json), the collection's
// open in-process, and the demo opening it; with `--before <checkout>`, the same for another
// checkout of the repository (e.g. `git worktree add /tmp/before-cold main`, installed), run by
// run alternately on the same collection.

const options = new Command("search-cold-warm")
  .requiredOption("--dir <dir>", "collection directory (generated there when it holds none)")
  .option("--target-mib <n>", "approximate size of the generated collection on disk", "200")
  .option("--runs <n>", "repetitions of each measure (medians are reported)", "3")
  .option("--query <text>", "the query", "lorevan quistel admarine")
  .option("--before <checkout>", "another checkout to measure alongside this one")
  .option("--no-demo", "leave out the demo's open")
  .parse()
  .opts<{
    dir: string;
    targetMib: string;
    runs: string;
    query: string;
    before?: string;
    demo: boolean;
  }>();

const thisCheckout = resolve(import.meta.dirname, "../../..");
const checkouts = [
  ...(options.before ? [{ name: "before", root: resolve(options.before) }] : []),
  { name: "after", root: thisCheckout },
];
const cliOf = (root: string) => join(root, "apps/cli/src/bin.ts");
const openRunOf = (root: string) => join(root, "benchmarks/collection/src/open-run.ts");

async function sizeOnDisk(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

type Sample = Record<string, number>;
const samples = new Map<string, Sample[]>();
function record(checkout: string, sample: Sample): void {
  samples.set(checkout, [...(samples.get(checkout) ?? []), sample]);
}

const directory = options.dir;
const runs = Number(options.runs);
await ensureGeneratedCollection(directory, Number(options.targetMib));
const manifest = (await readCollectionManifest(directory))!;
const diskMib = (await sizeOnDisk(directory)) / 2 ** 20;
for (const { root } of checkouts)
  if (root !== thisCheckout) await copyFile(openRunOf(thisCheckout), openRunOf(root));

const topTens = new Set<string>();
for (let run = 0; run < runs; run++) {
  // Alternate which checkout goes first, so neither always runs on a warmer page cache.
  const order = run % 2 === 0 ? checkouts : [...checkouts].reverse();
  for (const { name, root } of order) {
    const cold = timedNode([
      cliOf(root),
      "search",
      directory,
      options.query,
      "--json",
      "--no-server",
    ]);
    topTens.add(
      JSON.stringify(
        (JSON.parse(cold.stdout) as { hits: { id: string }[] }).hits.map((hit) => hit.id),
      ),
    );
    const open = JSON.parse(timedNode([openRunOf(root), directory, options.query]).stdout) as {
      openMs: number;
      firstSearchMs: number;
      peakMib: number;
    };
    const serve = await startListening([cliOf(root), "serve", directory, "--port", "0"]);
    let warm: ReturnType<typeof timedNode>;
    try {
      warm = timedNode([cliOf(root), "search", directory, options.query, "--json"]);
      if ((JSON.parse(warm.stdout) as { server?: string }).server !== serve.url)
        throw new Error(`${name}: the search did not go through the serve at ${serve.url}`);
    } finally {
      await serve.stop();
    }
    const sample: Sample = {
      coldSeconds: cold.seconds,
      coldPeakMib: cold.peakMib,
      openSeconds: open.openMs / 1000,
      firstSearchSeconds: open.firstSearchMs / 1000,
      openPeakMib: open.peakMib,
      warmSeconds: warm.seconds,
      warmPeakMib: warm.peakMib,
      serveReadySeconds: serve.seconds,
      serveResidentMib: serve.residentMib,
    };
    if (options.demo) {
      const demo = await startListening(
        [join(root, "apps/demo/src/main.ts"), "--collection", directory],
        {
          ...process.env,
          DEMO_PORT: "0",
        },
      );
      await demo.stop();
      Object.assign(sample, { demoReadySeconds: demo.seconds, demoResidentMib: demo.residentMib });
    }
    record(name, sample);
  }
}

const rows: [string, string, string][] = [
  [
    "`hybrid-rag search --no-server`: wall time (opens the collection, one query)",
    "coldSeconds",
    "s",
  ],
  ["`hybrid-rag search --no-server`: peak RSS", "coldPeakMib", "MiB"],
  ["`openCollection` in-process: open", "openSeconds", "s"],
  ["`openCollection` in-process: first search (top 10, texts read)", "firstSearchSeconds", "s"],
  ["`openCollection` in-process: peak RSS", "openPeakMib", "MiB"],
  ["`hybrid-rag search` through `hybrid-rag serve`: wall time", "warmSeconds", "s"],
  ["`hybrid-rag search` through `hybrid-rag serve`: peak RSS", "warmPeakMib", "MiB"],
  ["`hybrid-rag serve`: ready", "serveReadySeconds", "s"],
  ["`hybrid-rag serve`: resident when ready", "serveResidentMib", "MiB"],
  ...(options.demo
    ? ([
        ["demo `--collection`: ready", "demoReadySeconds", "s"],
        ["demo `--collection`: resident when ready", "demoResidentMib", "MiB"],
      ] as [string, string, string][])
    : []),
];
const medianOf = (checkout: string, key: string) =>
  median((samples.get(checkout) ?? []).map((sample) => sample[key]!));
const format = (value: number, unit: string) =>
  unit === "s" ? `${value.toFixed(2)} s` : `${value.toFixed(0)} MiB`;
const names = checkouts.map((checkout) => checkout.name);
console.log(
  [
    `collection: ${diskMib.toFixed(0)} MiB on disk, ${manifest.counts.parents} documents, ${manifest.counts.chunks} chunks, BM25 only (${manifest.bm25.analyzer} analyzer); query ${JSON.stringify(options.query)}; ${runs} runs, alternating, medians; same top 10 everywhere: ${topTens.size === 1}`,
    "",
    `| measure | ${names.join(" | ")} |${names.length > 1 ? " after ÷ before |" : ""}`,
    `| --- |${names.map(() => " ---: |").join("")}${names.length > 1 ? " ---: |" : ""}`,
    ...rows.map(([label, key, unit]) => {
      const values = names.map((name) => medianOf(name, key));
      const ratio = values.length > 1 ? ` ${(values[1]! / values[0]!).toFixed(2)} |` : "";
      return `| ${label} | ${values.map((value) => format(value, unit)).join(" | ")} |${ratio}`;
    }),
  ].join("\n"),
);

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, platform, release } from "node:os";
import { type CorpusSpec, loadCorpus } from "./corpus-spec.ts";
import type { DidNotFinish, PhaseBudgets } from "./did-not-finish.ts";
import type { MeasureSettings, SystemMeasurement } from "./measure-system.ts";
import type { SystemEntry } from "./peer-system.ts";
import {
  type CorpusResult,
  medianMeasurement,
  type PeersResults,
  type SystemResult,
} from "./results.ts";
import { runChild } from "./run-child.ts";

export interface BenchmarkOptions {
  readonly corpora: readonly CorpusSpec[];
  readonly systems: readonly string[];
  readonly runs: number;
  readonly settings: MeasureSettings;
  /** Per run and system: a system past one is killed, reported DNF and not run again. */
  readonly budgets: PhaseBudgets;
  readonly command: string;
  /** The module whose `systems` list is measured (default `systems.ts`; the tests give fakes). */
  readonly systemsModule?: string;
  /**
   * Called after every measurement with the results so far (each system's medians over the runs
   * done), so that an interrupted benchmark still leaves what it measured.
   */
  readonly onResults?: (results: PeersResults) => Promise<void>;
  /** Called after each measurement (progress on stderr). */
  readonly onMeasurement?: (
    corpus: string,
    system: string,
    run: number,
    result: SystemMeasurement | DidNotFinish,
  ) => void;
  /** Called when a system's process fails (it is not run again for that corpus). */
  readonly onFailure?: (corpus: string, system: string, run: number, message: string) => void;
}

const peerPackages = ["@lancedb/lancedb", "@orama/orama", "minisearch", "flexsearch"];

function installedVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let folder = require.resolve(name);
  // The package's own package.json: walk up from its entry point to the folder named after it.
  folder = folder.slice(
    0,
    folder.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length,
  );
  return (JSON.parse(readFileSync(`${folder}package.json`, "utf8")) as { version: string }).version;
}

/**
 * Every system on every corpus, `runs` times, each measurement in its own process. Runs are
 * rounds: round r measures every system once, in an order rotated by r, so slow drift of a
 * shared machine's load spreads over all systems instead of landing on one. A system killed at
 * its budget is reported DNF, and one whose process fails is reported with its error; either is
 * left out of the later rounds of that corpus.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<PeersResults> {
  const { systems } = (await import(options.systemsModule ?? "./systems.ts")) as {
    systems: readonly SystemEntry[];
  };
  const chosen = systems.filter((system) => options.systems.includes(system.id));
  const corpora: CorpusResult[] = [];
  const machine = {
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: cpus().length,
    node: process.versions.node,
    platform: `${platform()} ${release()}`,
  };
  const settings = { runs: options.runs, ...options.settings };
  const peers = Object.fromEntries(peerPackages.map((name) => [name, installedVersion(name)]));
  const resultsWith = (current: readonly CorpusResult[]): PeersResults => ({
    machine,
    settings,
    peers,
    corpora: current,
  });
  for (const spec of options.corpora) {
    const loadBefore = loadavg()[0]!;
    // The parent loads the corpus once: counts for the table, and SciFact's vector cache filled.
    const corpus = await loadCorpus(spec);
    const runs = new Map<string, SystemMeasurement[]>(chosen.map((system) => [system.id, []]));
    const unfinished = new Map<
      string,
      Pick<SystemResult, "didNotFinish" | "partial" | "failure">
    >();
    const systemResult = (system: SystemEntry): SystemResult => {
      const measured = runs.get(system.id)!;
      return {
        id: system.id,
        label: system.label,
        kind: system.kind,
        runs: measured,
        ...(measured.length > 0 ? { median: medianMeasurement(measured) } : {}),
        ...unfinished.get(system.id),
      };
    };
    const corpusResult = (): CorpusResult => ({
      name: corpus.name,
      command: options.command,
      date: new Date().toISOString().slice(0, 10),
      loadAverage: [loadBefore, loadavg()[0]!],
      runsAsked: options.runs,
      budgets: options.budgets,
      documents: corpus.documents.length,
      queries: corpus.queries.length,
      vectors: corpus.vectors.source,
      systems: chosen.map(systemResult),
    });
    for (let round = 0; round < options.runs; round++) {
      const order = chosen.map((_, index) => chosen[(index + round) % chosen.length]!);
      for (const system of order) {
        if (unfinished.has(system.id)) continue;
        let outcome: Awaited<ReturnType<typeof runChild>>;
        try {
          outcome = await runChild(system.id, spec, options.settings, {
            budgets: options.budgets,
            ...(options.systemsModule ? { systemsModule: options.systemsModule } : {}),
          });
        } catch (error) {
          // An engine that crashes is reported with its error, and the others still run.
          const failure = (error as Error).message;
          unfinished.set(system.id, { failure });
          options.onFailure?.(corpus.name, system.id, round + 1, failure);
          await options.onResults?.(resultsWith([...corpora, corpusResult()]));
          continue;
        }
        if ("measurement" in outcome) {
          runs.get(system.id)!.push(outcome.measurement);
          options.onMeasurement?.(corpus.name, system.id, round + 1, outcome.measurement);
        } else {
          unfinished.set(system.id, outcome);
          options.onMeasurement?.(corpus.name, system.id, round + 1, outcome.didNotFinish);
        }
        await options.onResults?.(resultsWith([...corpora, corpusResult()]));
      }
    }
    corpora.push(corpusResult());
  }
  return resultsWith(corpora);
}

import type { DidNotFinish, PhaseBudgets } from "./did-not-finish.ts";
import type { SystemMeasurement } from "./measure-system.ts";
import type { QueryKind } from "./peer-system.ts";

export interface SystemResult {
  readonly id: string;
  readonly label: string;
  readonly kind: QueryKind;
  /** One measurement per finished run, each in its own process. */
  readonly runs: readonly SystemMeasurement[];
  /** The median of every field over the runs; absent when no run finished. */
  readonly median?: SystemMeasurement;
  /**
   * Set when a run was killed at its budget: the system is not run again for this corpus, and
   * `partial` keeps what that run had measured (build figures when it stopped in the queries).
   */
  readonly didNotFinish?: DidNotFinish;
  readonly partial?: Partial<SystemMeasurement>;
  /** Set when the system's process failed (a crash, not a budget): its error, as reported. */
  readonly failure?: string;
}

export interface CorpusResult {
  readonly name: string;
  /** The command that measured this corpus, when, and the 1-minute load average before and after. */
  readonly command: string;
  readonly date: string;
  readonly loadAverage: readonly [number, number];
  /** Runs asked per system (absent in results from before budgets: then `settings.runs`). */
  readonly runsAsked?: number;
  /** The budgets a system had per run (absent in results from before budgets). */
  readonly budgets?: PhaseBudgets;
  readonly documents: number;
  readonly queries: number;
  readonly vectors: string;
  readonly systems: readonly SystemResult[];
}

/**
 * What `pnpm bench` writes (`results.json`) and the tables are rendered from. With
 * `--merge`, a run replaces the corpora it measured and keeps the others (same machine and
 * measurement settings only; the runs asked may differ, each corpus says its own).
 */
export interface PeersResults {
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly node: string;
    readonly platform: string;
  };
  readonly settings: {
    readonly runs: number;
    readonly timedQueries: number;
    readonly warmUpPasses: number;
    readonly minTimedSeconds: number;
    readonly topK: number;
  };
  readonly peers: Readonly<Record<string, string>>;
  readonly corpora: readonly CorpusResult[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function medianMeasurement(runs: readonly SystemMeasurement[]): SystemMeasurement {
  const keys = Object.keys(runs[0]!) as Array<keyof SystemMeasurement>;
  return Object.fromEntries(
    keys.map((key) => [key, median(runs.map((run) => run[key]))]),
  ) as unknown as SystemMeasurement;
}

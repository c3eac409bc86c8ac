/** How long a system may take in each phase before its process is killed and it is reported DNF. */
export interface PhaseBudgets {
  /** From documents in memory to a searchable index. */
  readonly buildSeconds: number;
  /** The judged queries at depth 100, then the warm-up and timed passes. */
  readonly querySeconds: number;
}

/** The phase a system was in when its budget ran out, with how far it had got. */
export type UnfinishedPhase = "build" | "quality" | "throughput";

/**
 * A system that did not finish within its budget: its process was killed. `done` of `total`
 * counts documents indexed (build), judged queries answered (quality) or warm-up queries
 * answered (throughput), as far as the system reported them before it was killed.
 */
export interface DidNotFinish {
  readonly phase: UnfinishedPhase;
  readonly budgetSeconds: number;
  /** How long the phase ran before the kill (the budget, plus the kill's own delay). */
  readonly seconds: number;
  readonly done: number;
  readonly total: number;
}

const units: Record<UnfinishedPhase, string> = {
  build: "documents indexed",
  quality: "judged queries answered",
  throughput: "warm-up queries answered",
};

const count = (value: number) => value.toLocaleString("en");

/** One line for a table's notes, e.g. "build: 20,000 of 200,000 documents indexed in 600 s (budget 600 s)". */
export function describeDidNotFinish(dnf: DidNotFinish): string {
  return `${dnf.phase}: ${count(dnf.done)} of ${count(dnf.total)} ${units[dnf.phase]} in ${Math.round(dnf.seconds)} s (budget ${count(dnf.budgetSeconds)} s)`;
}

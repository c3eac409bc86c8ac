import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** What every oracle.json the device scripts write holds (gpu/*_oracle.py). */
export interface OracleFile {
  readonly oracle: string;
  readonly torch: string;
  readonly tolerance: number;
  readonly input_ids: readonly (readonly number[])[];
  readonly attention_mask: readonly (readonly number[])[];
  readonly cases: readonly OracleCaseExpectation[];
}

/** One case the oracle scored: the directory it built, the family, its logits. */
export interface OracleCaseExpectation {
  readonly name: string;
  readonly family: string;
  readonly directory: string;
  readonly logits: readonly number[];
}

/** One case compared: ours against the oracle's logits. */
export interface OracleCaseResult {
  readonly name: string;
  readonly family: string;
  readonly maxDifference: number;
  readonly passed: boolean;
  readonly ours: readonly number[];
  readonly oracle: readonly number[];
}

export interface OracleReport {
  readonly oracle: string;
  readonly tolerance: number;
  readonly cases: readonly OracleCaseResult[];
}

/** The oracle's token rows without their padding (our graphs pad themselves). */
export function unpaddedRows(oracle: OracleFile): number[][] {
  return oracle.input_ids.map((row, index) =>
    row.filter((_, position) => oracle.attention_mask[index]?.[position] === 1),
  );
}

/** Passes when our graph was built by the oracle's family and every logit is within tolerance. */
export function compareCase(
  expected: OracleCaseExpectation,
  scored: { readonly family: string; readonly logits: readonly number[] },
  tolerance: number,
): OracleCaseResult {
  const maxDifference = Math.max(
    ...scored.logits.map((value, index) =>
      Math.abs(value - (expected.logits[index] ?? Number.NaN)),
    ),
  );
  return {
    name: expected.name,
    family: scored.family,
    maxDifference,
    passed: scored.family === expected.family && maxDifference <= tolerance,
    ours: scored.logits,
    oracle: expected.logits,
  };
}

/**
 * The command line of a check script: `node <script> <folder>` prints one line per case, writes
 * <folder>/results.json and exits 1 when a case is over the tolerance or was built by another
 * family.
 */
export async function runOracleCheck(
  usage: string,
  check: (folder: string) => Promise<OracleReport>,
): Promise<void> {
  const folder = process.argv[2];
  if (folder === undefined) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const report = await check(folder);
  for (const result of report.cases) {
    console.log(
      `${result.passed ? "ok  " : "FAIL"} ${result.name.padEnd(22)} family ${result.family.padEnd(24)} max |Δlogit| ${result.maxDifference.toExponential(2)} (≤ ${report.tolerance}; oracle: ${report.oracle})`,
    );
  }
  await writeFile(join(folder, "results.json"), `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.cases.every((result) => result.passed) ? 0 : 1;
}

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { scoreDecoderDirectory } from "@hybrid-rag/models/testing";

/** oracle.json as gpu/decoder_oracle.py writes it. */
export interface DecoderOracle {
  readonly oracle: string;
  readonly torch: string;
  readonly tolerance: number;
  readonly input_ids: readonly (readonly number[])[];
  readonly attention_mask: readonly (readonly number[])[];
  readonly cases: readonly {
    readonly name: string;
    readonly family: string;
    readonly directory: string;
    readonly logits: readonly number[];
  }[];
}

export interface DecoderOracleCase {
  readonly name: string;
  readonly family: string;
  readonly maxDifference: number;
  readonly passed: boolean;
  readonly ours: readonly number[];
  readonly oracle: readonly number[];
}

/**
 * Scores every case of an oracle folder with the project's decoder families (fp32 graphs on
 * onnxruntime's CPU provider) and compares with the oracle's logits.
 */
export async function checkDecoderOracle(folder: string): Promise<{
  readonly oracle: string;
  readonly tolerance: number;
  readonly cases: readonly DecoderOracleCase[];
}> {
  const oracle = JSON.parse(await readFile(join(folder, "oracle.json"), "utf8")) as DecoderOracle;
  const rows = oracle.input_ids.map((row, index) =>
    row.filter((_, position) => oracle.attention_mask[index]?.[position] === 1),
  );
  const cases: DecoderOracleCase[] = [];
  for (const expected of oracle.cases) {
    const scored = await scoreDecoderDirectory(join(folder, expected.directory), rows);
    const maxDifference = Math.max(
      ...scored.logits.map((value, index) =>
        Math.abs(value - (expected.logits[index] ?? Number.NaN)),
      ),
    );
    cases.push({
      name: expected.name,
      family: scored.family,
      maxDifference,
      passed: scored.family === expected.family && maxDifference <= oracle.tolerance,
      ours: scored.logits,
      oracle: expected.logits,
    });
  }
  return { oracle: oracle.oracle, tolerance: oracle.tolerance, cases };
}

// node check-decoder-oracle.ts <folder>: prints one line per case, writes <folder>/results.json,
// exits 1 when a case is over the tolerance or was loaded by another family.
if (import.meta.main) {
  const folder = process.argv[2];
  if (folder === undefined) {
    console.error("usage: node check-decoder-oracle.ts <folder written by gpu/decoder_oracle.py>");
    process.exit(2);
  }
  const report = await checkDecoderOracle(folder);
  for (const result of report.cases) {
    console.log(
      `${result.passed ? "ok  " : "FAIL"} ${result.name.padEnd(22)} family ${result.family.padEnd(20)} max |Δlogit| ${result.maxDifference.toExponential(2)} (≤ ${report.tolerance}; oracle: ${report.oracle})`,
    );
  }
  await writeFile(join(folder, "results.json"), `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.cases.every((result) => result.passed) ? 0 : 1;
}

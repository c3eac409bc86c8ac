import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { scoreVisionDirectory } from "@hybrid-rag/models/testing";

/** oracle.json as gpu/vision_oracle.py writes it. */
export interface VisionOracle {
  readonly oracle: string;
  readonly torch: string;
  readonly tolerance: number;
  readonly input_ids: readonly (readonly number[])[];
  readonly attention_mask: readonly (readonly number[])[];
  readonly pixel_shape: readonly number[];
  readonly pixel_values: readonly number[];
  readonly cases: readonly {
    readonly name: string;
    readonly family: string;
    readonly directory: string;
    readonly logits: readonly number[];
  }[];
}

export interface VisionOracleCase {
  readonly name: string;
  readonly family: string;
  readonly maxDifference: number;
  readonly passed: boolean;
  readonly ours: readonly number[];
  readonly oracle: readonly number[];
}

/**
 * Builds each case's graph from its safetensors directory with the project's
 * llama-nemotron-vl-rerank family (fp32, onnxruntime's CPU provider), feeds the oracle's token
 * rows and tiles, and compares logits.
 */
export async function checkVisionOracle(folder: string): Promise<{
  readonly oracle: string;
  readonly tolerance: number;
  readonly cases: readonly VisionOracleCase[];
}> {
  const oracle = JSON.parse(await readFile(join(folder, "oracle.json"), "utf8")) as VisionOracle;
  const rows = oracle.input_ids.map((row, index) =>
    row.filter((_, position) => oracle.attention_mask[index]?.[position] === 1),
  );
  const pixels = Float32Array.from(oracle.pixel_values);
  const cases: VisionOracleCase[] = [];
  for (const expected of oracle.cases) {
    const scored = await scoreVisionDirectory(
      join(folder, expected.directory),
      rows,
      pixels,
      oracle.pixel_shape,
    );
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

// node check-vision-oracle.ts <folder>: one line per case, <folder>/results.json, exit 1 when a
// case is over the tolerance or was built by another family.
if (import.meta.main) {
  const folder = process.argv[2];
  if (folder === undefined) {
    console.error("usage: node check-vision-oracle.ts <folder written by gpu/vision_oracle.py>");
    process.exit(2);
  }
  const report = await checkVisionOracle(folder);
  for (const result of report.cases) {
    console.log(
      `${result.passed ? "ok  " : "FAIL"} ${result.name.padEnd(22)} family ${result.family.padEnd(24)} max |Δlogit| ${result.maxDifference.toExponential(2)} (≤ ${report.tolerance}; oracle: ${report.oracle})`,
    );
  }
  await writeFile(join(folder, "results.json"), `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.cases.every((result) => result.passed) ? 0 : 1;
}

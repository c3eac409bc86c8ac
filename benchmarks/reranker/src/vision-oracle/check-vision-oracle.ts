import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { scoreVisionDirectory } from "@hybrid-rag/models/testing";
import {
  compareCase,
  type OracleCaseResult,
  type OracleFile,
  type OracleReport,
  runOracleCheck,
  unpaddedRows,
} from "../oracle-check.ts";

/** oracle.json as gpu/vision_oracle.py writes it: the token rows and the tiles they share. */
export interface VisionOracle extends OracleFile {
  readonly pixel_shape: readonly number[];
  readonly pixel_values: readonly number[];
}

export type VisionOracleCase = OracleCaseResult;

/**
 * Builds each case's graph from its safetensors directory with the project's
 * llama-nemotron-vl-rerank family (fp32, onnxruntime's CPU provider), feeds the oracle's token
 * rows and tiles, and compares logits.
 */
export async function checkVisionOracle(folder: string): Promise<OracleReport> {
  const oracle = JSON.parse(await readFile(join(folder, "oracle.json"), "utf8")) as VisionOracle;
  const rows = unpaddedRows(oracle);
  const pixels = Float32Array.from(oracle.pixel_values);
  const cases: VisionOracleCase[] = [];
  for (const expected of oracle.cases) {
    const scored = await scoreVisionDirectory(
      join(folder, expected.directory),
      rows,
      pixels,
      oracle.pixel_shape,
    );
    cases.push(compareCase(expected, scored, oracle.tolerance));
  }
  return { oracle: oracle.oracle, tolerance: oracle.tolerance, cases };
}

if (import.meta.main) {
  await runOracleCheck(
    "node check-vision-oracle.ts <folder written by gpu/vision_oracle.py>",
    checkVisionOracle,
  );
}

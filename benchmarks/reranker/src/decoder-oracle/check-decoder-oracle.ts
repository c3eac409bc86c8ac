import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { scoreDecoderDirectory } from "@hybrid-rag/models/testing";
import {
  compareCase,
  type OracleCaseResult,
  type OracleFile,
  type OracleReport,
  runOracleCheck,
  unpaddedRows,
} from "../oracle-check.ts";

/** oracle.json as gpu/decoder_oracle.py writes it. */
export type DecoderOracle = OracleFile;
export type DecoderOracleCase = OracleCaseResult;

/**
 * Scores every case of an oracle folder with the project's decoder families (fp32 graphs on
 * onnxruntime's CPU provider) and compares with the oracle's logits.
 */
export async function checkDecoderOracle(folder: string): Promise<OracleReport> {
  const oracle = JSON.parse(await readFile(join(folder, "oracle.json"), "utf8")) as DecoderOracle;
  const rows = unpaddedRows(oracle);
  const cases: DecoderOracleCase[] = [];
  for (const expected of oracle.cases) {
    const scored = await scoreDecoderDirectory(join(folder, expected.directory), rows);
    cases.push(compareCase(expected, scored, oracle.tolerance));
  }
  return { oracle: oracle.oracle, tolerance: oracle.tolerance, cases };
}

if (import.meta.main) {
  await runOracleCheck(
    "node check-decoder-oracle.ts <folder written by gpu/decoder_oracle.py>",
    checkDecoderOracle,
  );
}

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { CorpusSpec } from "./corpus-spec.ts";
import type { MeasureSettings, SystemMeasurement } from "./measure-system.ts";

const childScript = fileURLToPath(new URL("child.ts", import.meta.url));

/** Measures one system in a fresh Node process (its own heap, RSS and JIT), as `child.ts` does it. */
export async function runChild(
  system: string,
  corpus: CorpusSpec,
  settings: MeasureSettings,
): Promise<SystemMeasurement> {
  const request = JSON.stringify({ system, corpus, settings });
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--expose-gc", "--disable-warning=ExperimentalWarning", childScript, request],
    // LanceDB logs deprecation warnings through Rust's logger on stderr.
    { maxBuffer: 1 << 24, env: { ...process.env, RUST_LOG: "error" } },
  );
  const lastLine = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(lastLine) as SystemMeasurement;
}

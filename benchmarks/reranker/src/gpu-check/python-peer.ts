import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../gpu/peer_cross_encoder.py", import.meta.url));

export type PeerResult =
  | {
      readonly available: true;
      readonly engine: string;
      readonly device: string;
      readonly gpu: string | null;
      readonly dtype: "fp16" | "fp32";
      readonly batchSize: number;
      readonly versions: Readonly<Record<string, string | null>>;
      readonly passages: number;
      readonly runsMs: readonly number[];
      readonly medianMs: number;
    }
  | { readonly available: false; readonly reason: string };

export interface PeerRequest {
  readonly python: string;
  readonly modelDirectory: string;
  readonly workDirectory: string;
  readonly query: string;
  readonly passages: readonly string[];
  readonly device: "cuda" | "cpu";
  readonly dtype: "fp16" | "fp32";
  readonly runs: number;
  readonly timeoutMs: number;
}

/**
 * Runs sentence-transformers' CrossEncoder in a Python child process on the same pairs. Any
 * failure to start or finish (no python, no torch, a crash, the time limit) is reported as an
 * unavailable peer with the reason, never as a number.
 */
export async function measurePythonPeer(request: PeerRequest): Promise<PeerResult> {
  const pairsFile = join(request.workDirectory, "peer-pairs.json");
  await writeFile(pairsFile, JSON.stringify({ query: request.query, passages: request.passages }));
  try {
    const { stdout } = await run(
      request.python,
      [
        script,
        "--model-dir",
        request.modelDirectory,
        "--pairs",
        pairsFile,
        "--device",
        request.device,
        "--dtype",
        request.dtype,
        "--runs",
        String(request.runs),
      ],
      { timeout: request.timeoutMs, maxBuffer: 1 << 20 },
    );
    const last = stdout.trim().split("\n").at(-1) ?? "";
    return JSON.parse(last) as PeerResult;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    const detail = (stderr ?? "").trim().split("\n").at(-1) || message.split("\n")[0];
    return { available: false, reason: `${request.python} ${script} failed: ${detail}` };
  }
}

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's interpreter, which has python3-torch (not a pyenv python3 first on PATH). */
export const referencePython = "/usr/bin/python3";

/** packages/models/reference: the independent PyTorch forward passes. */
export const referenceDirectory = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../reference",
);

let availability: Promise<string | undefined> | undefined;

/** undefined when `/usr/bin/python3` imports torch; otherwise why not, in one line. */
export function torchUnavailableReason(): Promise<string | undefined> {
  availability ??= run(referencePython, ["-c", "import torch, numpy"], { timeout: 60_000 }).then(
    () => undefined,
    (error: Error) =>
      `${referencePython} cannot import torch (${error.message.split("\n").find((line) => line.includes("Error")) ?? error.message.split("\n")[0]}); install python3-torch (.ci/system-packages)`,
  );
  return availability;
}

export interface ReferenceBatch {
  readonly input_ids: readonly (readonly number[])[];
  readonly attention_mask: readonly (readonly number[])[];
  readonly token_type_ids: readonly (readonly number[])[];
}

export interface ReferenceOutput {
  readonly logits?: number[];
  readonly last_hidden_state?: number[][][];
  readonly embeddings?: number[][];
}

/** Runs `reference/<script>` on a batch of token ids and returns what it prints. */
export async function runPytorchReference(
  script: string,
  modelDirectory: string,
  task: "cross-encoder" | "embedder",
  batch: ReferenceBatch,
): Promise<ReferenceOutput> {
  const folder = await mkdtemp(join(tmpdir(), "reference-batch-"));
  try {
    const batchPath = join(folder, "batch.json");
    await writeFile(batchPath, JSON.stringify(batch));
    const { stdout } = await run(
      referencePython,
      [join(referenceDirectory, script), modelDirectory, task, batchPath],
      {
        timeout: 120_000,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, OMP_NUM_THREADS: "1" },
      },
    );
    return JSON.parse(stdout) as ReferenceOutput;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

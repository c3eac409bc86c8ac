import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Debian's python3, which has python3-torch (the pyenv python3 first on PATH may not). */
export const referencePython = process.env.HYBRID_RAG_REFERENCE_PYTHON ?? "/usr/bin/python3";

const scoreScript = fileURLToPath(new URL("../../../reference/score_decoder.py", import.meta.url));

export interface ReferenceRequest {
  readonly family: string;
  readonly directory: string;
  readonly inputIds: readonly (readonly number[])[];
  readonly attentionMask: readonly (readonly number[])[];
  readonly yesId?: number;
  readonly noId?: number;
}

let availability: string | undefined | null = null;

/** Why the PyTorch reference cannot run here, or undefined when it can. */
export function torchUnavailableReason(): string | undefined {
  if (availability !== null) return availability;
  const probe = spawnSync(referencePython, ["-c", "import torch, numpy"], { encoding: "utf8" });
  availability =
    probe.status === 0
      ? undefined
      : `${referencePython} cannot import torch (${(probe.error?.message ?? probe.stderr).trim().split("\n").at(-1)}); install python3-torch (.ci/system-packages)`;
  return availability;
}

/**
 * Whether to skip a reference suite: the reference is missing and this is not CI (under CI=1
 * the suite runs and fails with the reason). Prints one line when skipping.
 */
export function skipWithoutTorch(suite: string): boolean {
  const reason = torchUnavailableReason();
  const skip = reason !== undefined && !process.env.CI;
  if (skip) console.warn(`Skipping ${suite}: ${reason}. (It fails instead when CI is set.)`);
  return skip;
}

/** Logits of the independent PyTorch reference (reference/score_decoder.py), one per row. */
export function referenceLogits(request: ReferenceRequest): number[] {
  const reason = torchUnavailableReason();
  if (reason !== undefined) throw new Error(`The PyTorch reference cannot run: ${reason}.`);
  const input = JSON.stringify({
    family: request.family,
    directory: request.directory,
    input_ids: request.inputIds,
    attention_mask: request.attentionMask,
    yes_id: request.yesId,
    no_id: request.noId,
  });
  const run = spawnSync(referencePython, [scoreScript], {
    input,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (run.status !== 0) {
    throw new Error(`reference/score_decoder.py failed (${run.status}): ${run.stderr}`);
  }
  return (JSON.parse(run.stdout) as { logits: number[] }).logits;
}

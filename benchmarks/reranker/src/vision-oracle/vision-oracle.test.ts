import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { checkVisionOracle, type VisionOracle } from "./check-vision-oracle.ts";

const run = promisify(execFile);
const repositoryRoot = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const script = join(repositoryRoot, "benchmarks", "reranker", "gpu", "vision_oracle.py");
// transformers is only on the GPU machine: CI runs the dry run (same files and rows, the
// logits of our PyTorch reference) and parses the transformers branch.
const python = process.env.HYBRID_RAG_REFERENCE_PYTHON ?? "/usr/bin/python3";
const probe = spawnSync(python, ["-c", "import torch, numpy"], { encoding: "utf8" });
const unavailable = probe.status === 0 ? undefined : `${python} cannot import torch`;
const skip = unavailable !== undefined && !process.env.CI;
if (skip)
  console.warn(`Skipping the vision oracle's dry run: ${unavailable}. (It fails when CI is set.)`);

const scratch = await mkdtemp(join(tmpdir(), "vision-oracle-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe("gpu/vision_oracle.py", () => {
  it("parses, transformers branch included", async () => {
    await run(python, ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", script]);
  });

  it.skipIf(skip)(
    "dry run: writes the VLM directory, rows and tiles; our family matches within 1e-4",
    { timeout: 180_000 },
    async () => {
      if (unavailable) throw new Error(unavailable);
      const out = join(scratch, "dry-run");
      await run(python, [script, "--dry-run", "--out", out]);
      const oracle = JSON.parse(await readFile(join(out, "oracle.json"), "utf8")) as VisionOracle;
      expect(oracle.pixel_shape).toEqual([7, 3, 32, 32]);
      const report = await checkVisionOracle(out);
      expect(report.cases).toHaveLength(1);
      for (const result of report.cases) {
        expect(result.family).toBe("llama-nemotron-vl-rerank");
        expect(result.maxDifference).toBeLessThanOrEqual(1e-4);
        expect(result.passed).toBe(true);
      }
    },
  );
});

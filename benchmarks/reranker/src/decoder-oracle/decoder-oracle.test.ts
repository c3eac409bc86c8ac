import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { checkDecoderOracle, type DecoderOracle } from "./check-decoder-oracle.ts";

const run = promisify(execFile);
const repositoryRoot = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const script = join(repositoryRoot, "benchmarks", "reranker", "gpu", "decoder_oracle.py");
// Debian's python3 has python3-torch (.ci/system-packages); transformers is only on the GPU
// machine, so CI runs the oracle's dry run: same files and rows, our PyTorch reference's logits.
const python = process.env.HYBRID_RAG_REFERENCE_PYTHON ?? "/usr/bin/python3";
const probe = spawnSync(python, ["-c", "import torch, numpy"], { encoding: "utf8" });
const unavailable = probe.status === 0 ? undefined : `${python} cannot import torch`;
const skip = unavailable !== undefined && !process.env.CI;
if (skip)
  console.warn(`Skipping the decoder oracle's dry run: ${unavailable}. (It fails when CI is set.)`);

const scratch = await mkdtemp(join(tmpdir(), "decoder-oracle-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe("gpu/decoder_oracle.py", () => {
  it("parses, transformers branch included (python compiles the whole script)", async () => {
    await run(python, ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", script]);
  });

  it.skipIf(skip)(
    "dry run: writes the four decoder directories and their logits; our families match them within 1e-4",
    { timeout: 180_000 },
    async () => {
      if (unavailable) throw new Error(unavailable);
      const out = join(scratch, "dry-run");
      await run(python, [script, "--dry-run", "--out", out]);
      const oracle = JSON.parse(await readFile(join(out, "oracle.json"), "utf8")) as DecoderOracle;
      expect(oracle.cases.map((entry) => entry.name)).toEqual([
        "llama-bidirectional",
        "mistral-causal",
        "mistral-bidirectional",
        "qwen3-reranker",
      ]);
      expect(
        oracle.attention_mask.map((row) => row.reduce((sum, value) => sum + value, 0)),
      ).toEqual([1, 5, 17, 40, 70, 128]);
      const report = await checkDecoderOracle(out);
      for (const result of report.cases) {
        expect(result.passed, `${result.name}: ${result.maxDifference}`).toBe(true);
        expect(result.maxDifference).toBeLessThanOrEqual(1e-4);
      }
      expect(report.cases.map((result) => result.family)).toEqual([
        "llama-bidirectional",
        "mistral",
        "mistral",
        "qwen3-reranker",
      ]);
    },
  );
});

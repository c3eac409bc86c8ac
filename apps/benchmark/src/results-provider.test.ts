import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerLibraryInstalled } from "@hybrid-rag/models";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "./main.ts";
import type { BenchmarkReport } from "./results.ts";
import { writeTinyBeir } from "./tiny-beir.ts";

let root = "";
let dataset = "";
let crossEncoder = "";

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hybrid-rag-bench-provider-"));
  dataset = join(root, "tiny");
  await writeTinyBeir(dataset);
  crossEncoder = (
    await createTinyBertModel(join(root, "cross-encoder"), {
      kind: "cross-encoder",
      layers: 1,
      hidden: 8,
    })
  ).directory;
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Without CUDA libraries "auto" runs on the CPU: the report must say "cpu", not echo "auto".
describe.skipIf(providerLibraryInstalled("cuda"))("results.json", () => {
  it("states the execution provider in use, beside the one requested", async () => {
    const out = join(root, "out");
    const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const code = await runCli(
      [
        "--dataset",
        dataset,
        "--out",
        out,
        "--no-progress",
        "--pipelines",
        "sparse+rerank",
        "--reranker-model",
        crossEncoder,
        "--embedding-model",
        "none",
        "--execution-provider",
        "auto",
      ],
      { stdout: () => {}, stderr: () => {} },
    );
    emitWarning.mockRestore();
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(out, "results.json"), "utf8")) as BenchmarkReport;
    expect(report.components.reranker).toMatchObject({
      status: "ok",
      configuration: {
        executionProvider: "cpu",
        requestedExecutionProvider: "auto",
        allNodesOnProvider: true,
        providerFallback: expect.stringMatching(/^cuda: not installed/),
        precision: "fp32",
      },
    });
  }, 60_000);
});

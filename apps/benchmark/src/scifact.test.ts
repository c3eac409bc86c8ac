import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./main.ts";
import type { BenchmarkReport } from "./results.ts";

// The reference table of ../shared/datasets/README.md (Lucene 8.8.1, metrics as trec_eval computes them).
const scifact = resolve(import.meta.dirname, "../../../../shared/datasets/scifact");

let out = "";
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "hybrid-rag-scifact-"));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function sparse(extra: string[]): Promise<Record<string, number>> {
  const directory = join(out, extra.join("-") || "standard");
  const code = await runCli(
    ["--dataset", scifact, "--pipelines", "sparse", "--out", directory, "--no-progress", ...extra],
    { stdout: () => {}, stderr: () => {} },
  );
  expect(code).toBe(0);
  const report = JSON.parse(
    await readFile(join(directory, "results.json"), "utf8"),
  ) as BenchmarkReport;
  const [result] = report.configurations;
  if (result?.status !== "ok") throw new Error(`sparse did not run: ${JSON.stringify(result)}`);
  expect(result.queryCount).toBe(300);
  return result.metrics as Record<string, number>;
}

const fourDecimals = (metrics: Record<string, number>, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, metrics[name]?.toFixed(4)]));

describe("bench on SciFact reproduces the Lucene reference table", () => {
  it("standard analyzer: recall@5 0.7193, nDCG@10 0.6606", async () => {
    const metrics = await sparse([]);
    expect(
      fourDecimals(metrics, ["ndcg@10", "recall@5", "recall@10", "recall@100", "mrr"]),
    ).toEqual({
      "ndcg@10": "0.6606",
      "recall@5": "0.7193",
      "recall@10": "0.7843",
      "recall@100": "0.8826",
      mrr: "0.6325",
    });
  }, 60_000);

  it("english analyzer, k1 0.9, b 0.4: nDCG@10 0.6789", async () => {
    const metrics = await sparse(["--analyzer", "english", "--k1", "0.9", "--b", "0.4"]);
    expect(
      fourDecimals(metrics, ["ndcg@10", "recall@5", "recall@10", "recall@100", "mrr"]),
    ).toEqual({
      "ndcg@10": "0.6789",
      "recall@5": "0.7426",
      "recall@10": "0.8038",
      "recall@100": "0.9253",
      mrr: "0.6504",
    });
  }, 60_000);
});

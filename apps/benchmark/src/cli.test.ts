import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { readTrecRun } from "@hybrid-rag/eval";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliOptionsSchema } from "./cli-options.ts";
import { type CliIo, program, runCli } from "./main.ts";
import { offlineDenseHint } from "./markdown-table.ts";
import type { BenchmarkReport } from "./results.ts";
import { createTinyBenchmark } from "./tiny-benchmark.test.helper.ts";

let root = "";
let dataset = "";
let crossEncoder = "";
let biEncoder = "";

beforeAll(async () => {
  ({ root, dataset, crossEncoder, biEncoder } = await createTinyBenchmark("hybrid-rag-bench-"));
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The arguments every run here shares: the tiny set, 10 hits, no bars. */
function common(out: string): string[] {
  return [
    "--dataset",
    dataset,
    "--top-k",
    "10",
    "--out",
    out,
    "--no-progress",
    "--execution-provider",
    "cpu",
  ];
}

function capture(extra: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    ...extra,
  };
  return { io, out, err };
}

async function readReport(directory: string): Promise<BenchmarkReport> {
  return JSON.parse(await readFile(join(directory, "results.json"), "utf8")) as BenchmarkReport;
}

describe("bench CLI, end to end on a generated BEIR folder", () => {
  it("points at the offline dense model when the Hub cannot give the default one", async () => {
    const out = join(root, "out-offline");
    const { io, out: stdout } = capture();
    const offline = process.env.HF_HUB_OFFLINE;
    const home = process.env.HF_HOME;
    process.env.HF_HUB_OFFLINE = "1";
    process.env.HF_HOME = join(root, "empty-hub-cache");
    try {
      const code = await runCli(
        [
          ...common(out),
          "--pipelines",
          "sparse,dense",
          "--embedding-model",
          "BAAI/bge-small-en-v1.5",
        ],
        io,
      );
      expect(code).toBe(0);
    } finally {
      if (offline === undefined) delete process.env.HF_HUB_OFFLINE;
      else process.env.HF_HUB_OFFLINE = offline;
      if (home === undefined) delete process.env.HF_HOME;
      else process.env.HF_HOME = home;
    }
    const table = stdout.join("");
    expect(table).toMatch(/- Dense skipped: dense retriever unavailable: .*HF_HUB_OFFLINE/);
    expect(table).toContain(offlineDenseHint);
  });

  it("runs what it can, skips the rest with the reason, and writes every output", async () => {
    const out = join(root, "out-real");
    const { io, out: stdout } = capture();
    const code = await runCli(
      [
        ...common(out),
        "--pipelines",
        "sparse,sparse+rerank,dense,dense+sparse+rerank",
        "--reranker-model",
        crossEncoder,
        "--embedding-model",
        "none",
      ],
      io,
    );
    expect(code).toBe(0);
    const table = stdout.join("");
    expect(table).toMatch(/\| Sparse \| 1\.0000 \| 0\.\d{4} \| 1\.0000 \|/);
    expect(table).toMatch(/\| Sparse \+ Reranking \| \d\.\d{4} \|/);
    expect(table).toMatch(/\| Dense \| skipped \| skipped \| skipped \|/);
    expect(table).toContain(
      "- Dense skipped: dense retriever unavailable: no embedding model (--embedding-model none).",
    );
    const report = await readReport(out);
    expect(report.tool.versions).toMatchObject({
      "@hybrid-rag/bm25": "0.1.0",
      "onnxruntime-node": "1.30.0",
    });
    expect(report.dataset).toMatchObject({
      documents: 30,
      queries: 6,
      judgements: 30,
      split: "test",
    });
    expect(report.configurations.map((result) => [result.name, result.status])).toEqual([
      ["sparse", "ok"],
      ["sparse+rerank", "ok"],
      ["dense", "skipped"],
      ["dense+sparse+rerank", "skipped"],
    ]);
    expect(report.components.sparse).toMatchObject({
      status: "ok",
      configuration: { analyzer: "standard", k1: 1.2, b: 0.75 },
    });
    expect(report.components.reranker).toMatchObject({
      status: "ok",
      configuration: { onnxSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const reranked = report.configurations[1];
    expect(reranked?.status === "ok" && Object.keys(reranked.latency)).toEqual(
      expect.arrayContaining(["retrieve", "rerank", "total"]),
    );
    const run = await readTrecRun(join(out, "runs", "sparse.trec"));
    expect(run.size).toBe(6);
    expect(run.get("q-solar")?.[0]?.docId).toMatch(/^solar-/);
    const svg = await readFile(join(out, "chart.svg"), "utf8");
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain("Sparse + Reranking");
    expect(await readFile(join(out, "results.md"), "utf8")).toBe(table);
  }, 60_000);

  it("runs all five seed configurations when every model is there (tiny ONNX models)", async () => {
    const out = join(root, "out-all");
    const { io, out: stdout } = capture();
    const code = await runCli(
      [
        ...common(out),
        "--reranker-model",
        crossEncoder,
        "--embedding-model",
        biEncoder,
        "--tune-fusion",
      ],
      io,
    );
    expect(code).toBe(0);
    const report = await readReport(out);
    expect(report.configurations.map((result) => `${result.label}:${result.status}`)).toEqual([
      "Dense:ok",
      "Dense + Reranking:ok",
      "Dense + Sparse:ok",
      "Dense + Sparse + Reranking:ok",
      "Sparse:ok",
    ]);
    const fused = report.configurations[2];
    expect(fused?.status === "ok" && fused.configuration).toMatchObject({
      fusion: { method: "rrf", k: 60 },
      retrievers: ["dense", "bm25"],
    });
    expect(fused?.status === "ok" && fused.comparedTo?.name).toBe("dense");
    expect(stdout.join("")).toMatch(/fuse p50 \(ms\)/);
    expect(report.fusionTuning).toMatchObject({
      metric: "ndcg@10",
      candidates: 70,
      split: { tuneQueries: 3, heldOutQueries: 3 },
      baseline: { config: { method: "rrf", k: 60 } },
      heldOut: { best: expect.any(Number) },
    });
    expect(stdout.join("")).toMatch(
      /Fusion tuning \(ndcg@10, 70 settings, 3 tuning queries\): best \{/,
    );
    const tuning = report.fusionTuning as unknown as { heldOutVersusSingle: unknown[] };
    expect(tuning.heldOutVersusSingle.map((entry) => entry)).toEqual([
      expect.objectContaining({
        metric: "recall@5",
        single: { dense: expect.any(Number), bm25: expect.any(Number) },
        pValues: { tTest: expect.any(Number), randomization: expect.any(Number) },
      }),
      expect.objectContaining({ metric: "ndcg@10", noWorse: expect.any(Boolean) }),
    ]);
    expect(stdout.join("")).toMatch(/Held-out ndcg@10: tuned fusion \d\.\d{4} vs dense/);
    expect(report.components.dense).toMatchObject({
      status: "ok",
      configuration: { onnxSha256: expect.stringMatching(/^[0-9a-f]{64}$/), prefixes: "none" },
      indexing: { documents: 30, failed: 0 },
    });
  }, 60_000);

  it("--rerank-depths: a row per depth, JSON, chart with the seed's mark; a test model is named as such", async () => {
    const out = join(root, "out-depths");
    const { io, out: stdout } = capture();
    const code = await runCli(
      [
        ...common(out),
        "--pipelines",
        "sparse",
        "--reranker-model",
        crossEncoder,
        "--rerank-depths",
        "0,2,5,20",
        "--rerank-budget-ms",
        "1000",
      ],
      io,
    );
    expect(code).toBe(0);
    const report = await readReport(out);
    const depths = report.rerankDepths as Exclude<
      BenchmarkReport["rerankDepths"],
      { skipped: string } | undefined
    >;
    expect(depths.testModel).toBe(true);
    expect(depths.rows.map((row) => row.depth)).toEqual([0, 2, 5, 20]);
    expect(depths.rows[0]).toMatchObject({ perQuery: null, perPassage: null });
    for (const row of depths.rows.slice(1)) {
      expect(row.perQuery!.p50Ms).toBeGreaterThan(0);
      expect(row.perPassage!.p95Ms).toBeGreaterThan(0);
      expect(Object.keys(row.metrics)).toEqual(["recall@5", "ndcg@10", "recall@100"]);
    }
    // Reranking within the top-k (10) changes the order, never the set: recall at top-k stays.
    const withinTopK = depths.rows.filter((row) => row.depth <= 10);
    expect(new Set(withinTopK.map((row) => row.metrics["recall@100"]))).toHaveLength(1);
    const table = stdout.join("");
    expect(table).toContain("| depth | recall@5 | nDCG@10 | recall@100 | rerank p50 (ms/query)");
    expect(table).toContain("Test model (random weights): latency is real, quality is meaningless");
    const svg = await readFile(join(out, "rerank-depths.svg"), "utf8");
    expect(svg).toContain("500 passages ≈ 1,750 ms on an H100");
    expect(svg).toContain("quality is meaningless");
    expect(svg.match(/<circle [^>]*r="4"/g)).toHaveLength(2 * 3);
    const budget = report.rerankBudget as Exclude<
      BenchmarkReport["rerankBudget"],
      { skipped: string } | undefined
    >;
    expect(budget).toMatchObject({ latencyBudgetMs: 1000, minDepth: 10, maxDepth: 20 });
    expect(budget.measuredQueries + budget.warmUpQueries).toBe(report.dataset.queries);
    expect(budget.cache.hits + budget.cache.misses).toBeGreaterThan(0);
    expect(table).toMatch(
      /Latency budget 1000 ms \(depth 10\.\.20\): [\d.]+ % of \d+ queries within budget/,
    );
  }, 60_000);

  it.skipIf(process.env.ELASTICSEARCH_URL || process.env.QDRANT_URL)(
    "--backend servers without server URLs: skipped, saying which option is missing",
    async () => {
      const out = join(root, "out-servers");
      const { io, out: stdout } = capture();
      const code = await runCli(
        [...common(out), "--backend", "servers", "--pipelines", "sparse,dense"],
        io,
      );
      expect(code).toBe(0);
      const table = stdout.join("");
      expect(table).toContain(
        "- Sparse skipped: sparse retriever unavailable: --backend servers needs --elasticsearch-url",
      );
      expect(table).toContain(
        "- Dense skipped: dense retriever unavailable: --backend servers needs --qdrant-url",
      );
    },
  );

  it("offers a command-line option for every validated setting, and no other", () => {
    const { io } = capture();
    // --spec and --print-spec choose where the settings come from and what to do with them.
    const names = program(io)
      .options.map((option) => option.attributeName())
      .filter((name) => name !== "spec" && name !== "printSpec");
    expect(new Set(names)).toEqual(new Set(Object.keys(cliOptionsSchema.shape)));
  });

  it("rejects bad arguments with exit code 2 and a message", async () => {
    const { io, err } = capture();
    expect(await runCli(["--dataset", dataset, "--pipelines", "dense+bogus"], io)).toBe(2);
    expect(err.join("")).toMatch(/Unknown pipeline "dense\+bogus"/);
    const second = capture();
    expect(await runCli(["--dataset", dataset, "--b", "2"], second.io)).toBe(2);
    expect(second.err.join("")).toMatch(/--b: b must be between 0 and 1/);
    const third = capture();
    expect(await runCli(["--pipelines", "sparse"], third.io)).toBe(2);
    expect(third.err.join("")).toMatch(/--dataset/);
  });

  it("works as a command (node runs the TypeScript entry point directly)", async () => {
    const out = join(root, "out-process");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(import.meta.dirname, "cli.ts"),
        "--dataset",
        dataset,
        "--pipelines",
        "sparse",
        "--out",
        out,
        "--no-progress",
      ],
      { encoding: "utf8" },
    );
    expect(stdout).toMatch(/\| Sparse \| 1\.0000 \|/);
  }, 60_000);
});

import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fusionMethods } from "@hybrid-rag/fusion";
import { executionProviders } from "@hybrid-rag/models";
import { pipelineSpecSchema } from "@hybrid-rag/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, runCli } from "./main.ts";
import type { BenchmarkReport } from "./results.ts";
import { createTinyBenchmark } from "./tiny-benchmark.test.helper.ts";

let root = "";
let dataset = "";
let crossEncoder = "";
let biEncoder = "";

beforeAll(async () => {
  ({ root, dataset, crossEncoder, biEncoder } =
    await createTinyBenchmark("hybrid-rag-bench-spec-"));
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  return { io, out, err };
}

/** Every TREC run the benchmark wrote, by file name. */
async function runsIn(directory: string): Promise<Record<string, string>> {
  const folder = join(directory, "runs");
  const names = (await readdir(folder)).sort();
  return Object.fromEntries(
    await Promise.all(
      names.map(async (name) => [name, await readFile(join(folder, name), "utf8")]),
    ),
  );
}

async function reportIn(directory: string): Promise<BenchmarkReport> {
  return JSON.parse(await readFile(join(directory, "results.json"), "utf8")) as BenchmarkReport;
}

describe("bench --spec: results.json rebuilds the same run", () => {
  it("gives identical TREC runs from the spec alone (tiny generated models)", async () => {
    const first = join(root, "first");
    const flags = [
      "--dataset",
      dataset,
      "--pipelines",
      "sparse,dense,dense+sparse+rerank",
      "--top-k",
      "7",
      "--rerank-top",
      "5",
      "--analyzer",
      "english",
      "--k1",
      "0.9",
      "--b",
      "0.4",
      "--embedding-model",
      biEncoder,
      "--reranker-model",
      crossEncoder,
      "--fusion",
      "linear",
      "--normalizer",
      "z-score",
      "--fusion-weights",
      "dense=0.7,bm25=0.3",
      "--execution-provider",
      "cpu",
      "--no-progress",
    ];
    const run1 = capture();
    expect(await runCli([...flags, "--out", first], run1.io), run1.err.join("")).toBe(0);
    const report = await reportIn(first);
    expect(report.configurations.map((result) => result.status)).toEqual(["ok", "ok", "ok"]);
    expect(report.spec).toMatchObject({
      version: 1,
      sparse: { engine: "bm25", analyzer: "english", k1: 0.9, b: 0.4 },
      dense: { engine: "vector-index", metric: "cosine" },
      embedder: { model: biEncoder },
      reranker: { model: crossEncoder },
      fusion: { method: "linear", normalizer: "z-score", weights: { dense: 0.7, bm25: 0.3 } },
      topK: { retrieve: 7, rerank: 5, final: 7 },
      benchmark: { dataset, pipelines: "sparse,dense,dense+sparse+rerank" },
    });

    const second = join(root, "second");
    const run2 = capture();
    const again = ["--spec", join(first, "results.json"), "--out", second, "--no-progress"];
    expect(await runCli(again, run2.io), run2.err.join("")).toBe(0);
    expect((await reportIn(second)).spec).toEqual(report.spec);
    const runs = await runsIn(first);
    expect(Object.keys(runs)).toHaveLength(3);
    expect(await runsIn(second)).toEqual(runs);

    // The spec is what decides the run: another k1 over it gives other scores.
    const third = join(root, "third");
    const run3 = capture();
    const changed = [...again.slice(0, 2), "--k1", "1.2", "--pipelines", "sparse"];
    expect(await runCli([...changed, "--out", third, "--no-progress"], run3.io)).toBe(0);
    expect((await runsIn(third))["sparse.trec"]).not.toEqual(runs["sparse.trec"]);
  }, 120_000);

  it("prints the spec, with flags given on the command line overriding the file", async () => {
    const file = join(root, "spec.json");
    const printed = capture();
    const base = ["--dataset", dataset, "--pipelines", "sparse", "--k1", "1.5", "--print-spec"];
    expect(await runCli(base, printed.io), printed.err.join("")).toBe(0);
    const spec = JSON.parse(printed.out.join(""));
    expect(spec.sparse).toEqual({ engine: "bm25", analyzer: "standard", k1: 1.5, b: 0.75 });
    expect(spec.fusion).toEqual({ method: "rrf", k: 60 });
    await writeFile(file, JSON.stringify(spec));

    const overridden = capture();
    const code = await runCli(["--spec", file, "--b", "0.3", "--print-spec"], overridden.io);
    expect(code, overridden.err.join("")).toBe(0);
    const result = JSON.parse(overridden.out.join(""));
    expect(result.sparse).toEqual({ engine: "bm25", analyzer: "standard", k1: 1.5, b: 0.3 });
    expect(result.benchmark.dataset).toBe(dataset);
  });

  it("refuses a spec setting the benchmark would not apply, saying what to do", async () => {
    const file = join(root, "chunked.json");
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        chunking: { maxTokens: 128 },
        benchmark: { dataset, pipelines: "sparse" },
      }),
    );
    const { io, err } = capture();
    expect(await runCli(["--spec", file, "--print-spec"], io)).toBe(2);
    expect(err.join("")).toMatch(/chunking is a pipeline setting the benchmark does not apply/);
    const wrongVersion = join(root, "v9.json");
    await writeFile(
      wrongVersion,
      JSON.stringify({ version: 9, benchmark: { dataset, pipelines: "sparse" } }),
    );
    const second = capture();
    expect(await runCli(["--spec", wrongVersion], second.io)).toBe(2);
    expect(second.err.join("")).toMatch(/version must be 1/);
  });

  it("lists every fusion method of the registry in --help", async () => {
    const { io, out } = capture();
    expect(await runCli(["--help"], io)).toBe(0);
    for (const method of fusionMethods) expect(out.join("")).toContain(method);
    expect(out.join("")).toContain("--spec <file.json>");
    expect(out.join("")).toContain("--print-spec");
  });
});

const scifact = resolve(import.meta.dirname, "../../../../shared/datasets/scifact");

describe.skipIf(!existsSync(scifact))("bench --spec on SciFact (BM25)", () => {
  it("rebuilds identical TREC runs from results.json", async () => {
    const first = join(root, "scifact-first");
    const second = join(root, "scifact-second");
    const flags = ["--dataset", scifact, "--pipelines", "sparse", "--analyzer", "english"];
    const quiet = capture();
    expect(
      await runCli(
        [...flags, "--k1", "0.9", "--b", "0.4", "--out", first, "--no-progress"],
        quiet.io,
      ),
    ).toBe(0);
    const again = ["--spec", join(first, "results.json"), "--out", second, "--no-progress"];
    expect(await runCli(again, quiet.io), quiet.err.join("")).toBe(0);
    const runs = await runsIn(first);
    expect(runs["sparse.trec"]?.split("\n").length).toBeGreaterThan(300 * 50);
    expect(await runsIn(second)).toEqual(runs);
  }, 120_000);
});

describe("pipeline spec and the models package", () => {
  it("offers exactly the execution providers @hybrid-rag/models knows", () => {
    // The spec lives below the models layer, so it lists them itself: this keeps the two equal.
    const inSpec = pipelineSpecSchema.shape.executionProvider.unwrap().options;
    expect([...inSpec].sort()).toEqual([...executionProviders].sort());
  });
});

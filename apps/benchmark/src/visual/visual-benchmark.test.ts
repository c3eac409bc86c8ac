import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTrecRun } from "@hybrid-rag/eval";
import { createTinyBertModel, createVisionRerankerDirectory } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../main.ts";
import type { BenchmarkReport } from "../results.ts";
import { writeTinyBeir } from "../tiny-beir.ts";
import { writeVisualDataset } from "./visual-dataset.ts";

// The image path end to end: the visual set's PDFs rendered to page images, added to the
// rerank candidates, scored by the seed's VLM reranker family (tiny random weights: the
// metrics are computed, their values mean nothing), and judged for their PDF.

let root: string;
let dataset: string;
let vlm: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "visual-bench-"));
  dataset = join(root, "visual");
  await writeVisualDataset(dataset, { sitesPerMeasure: 2 });
  vlm = join(root, "vlm");
  await mkdir(vlm);
  await createVisionRerankerDirectory(vlm);
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("bench --pipelines …+images on the visual set", () => {
  it("reranks page images with a VLM reranker beside the text-only row, and names the model", async () => {
    const out = join(root, "out");
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runCli(
      [
        "--dataset",
        dataset,
        "--pipelines",
        "sparse+rerank,sparse+rerank+images",
        "--reranker-model",
        vlm,
        "--top-k",
        "10",
        "--out",
        out,
        "--no-progress",
        "--execution-provider",
        "cpu",
      ],
      { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) },
    );
    expect(code, stderr.join("")).toBe(0);
    const report = JSON.parse(await readFile(join(out, "results.json"), "utf8")) as BenchmarkReport;
    const [text, images] = report.configurations;
    expect(text).toMatchObject({ name: "sparse+rerank", status: "ok", queryCount: 8 });
    expect(images).toMatchObject({
      name: "sparse+rerank+images",
      label: "Sparse + Reranking (page images)",
      status: "ok",
      queryCount: 8,
    });
    if (text?.status !== "ok" || images?.status !== "ok") throw new Error("a row did not run");
    expect("pageImages" in text).toBe(false);
    // Every query's candidates are the 8 PDFs' text (all share "site" and "2025") plus their
    // 8 page images (the pipeline's default maxPageImages): half of what the VLM scored.
    expect(images.pageImages).toEqual({ candidates: 8 * 16, images: 8 * 8 });
    for (const metric of ["recall@5", "ndcg@10", "recall@100"]) {
      expect(images.metrics[metric]).toBeGreaterThanOrEqual(0);
      expect(images.metrics[metric]).toBeLessThanOrEqual(1);
    }
    // Page images count for their PDF: the run names corpus documents only, once each.
    const run = await readTrecRun(join(out, images.runFile));
    for (const ranked of run.values()) {
      const ids = ranked.map((entry) => entry.docId);
      expect(ids.every((id) => id.endsWith(".pdf"))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(report.components.reranker).toMatchObject({
      status: "ok",
      configuration: { model: vlm, testModel: true },
    });
    const table = stdout.join("");
    expect(table).toContain(
      `- Reranker model: ${vlm} (random test weights: quality is meaningless)`,
    );
    expect(table).toContain(
      "- Sparse + Reranking (page images): 64 of the 128 candidates the reranker scored were page images.",
    );
  }, 180_000);

  it("fails a +images row on a text-only reranker, and skips it on a set without PDFs", async () => {
    const crossEncoder = await createTinyBertModel(join(root, "cross-encoder"), {
      kind: "cross-encoder",
    });
    const textOnly = await runRows(dataset, crossEncoder.directory, "text-only");
    expect(textOnly.code).toBe(1);
    expect(textOnly.report.configurations[0]).toMatchObject({
      name: "sparse+rerank+images",
      status: "failed",
      reason: expect.stringMatching(/needs a reranker that looks at images.*text-only/),
    });
    const plain = join(root, "tiny-beir");
    await writeTinyBeir(plain);
    const noPdfs = await runRows(plain, vlm, "no-pdfs");
    expect(noPdfs.report.configurations[0]).toMatchObject({
      status: "skipped",
      reason: expect.stringMatching(
        /^page images unavailable: no corpus document of .* names a PDF in metadata\.pdf/,
      ),
    });
  }, 120_000);
});

async function runRows(datasetDirectory: string, reranker: string, name: string) {
  const out = join(root, name);
  const code = await runCli(
    [
      "--dataset",
      datasetDirectory,
      "--pipelines",
      "sparse+rerank+images",
      "--reranker-model",
      reranker,
      "--out",
      out,
      "--no-progress",
      "--execution-provider",
      "cpu",
    ],
    { stdout: () => undefined, stderr: () => undefined },
  );
  const report = JSON.parse(await readFile(join(out, "results.json"), "utf8")) as BenchmarkReport;
  return { code, report };
}

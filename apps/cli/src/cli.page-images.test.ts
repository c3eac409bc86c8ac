// `ingest --pdf-page-images` stores a chart-only PDF page as an image; `search --page-images add`
// with a NIM VLM endpoint (loopback stub, `--reranker-images yes`) reranks it and cites it.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoopbackServer, sendJson, startLoopbackServer } from "@hybrid-rag/core/testing";
import { createChartPdf } from "@hybrid-rag/loaders/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

let workspace: string;
let folder: string;
let collection: string;
let nim: LoopbackServer;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-page-images-"));
  folder = join(workspace, "docs");
  collection = join(workspace, "collection");
  await mkdir(folder);
  await writeFile(
    join(folder, "fees.pdf"),
    await createChartPdf({
      title: "Berth fees",
      intro: "Berth fees by quarter are charted on the next page.",
      values: [120, 340, 220, 460],
    }),
  );
  // Ranks passages with an image first (what a VLM that reads the chart would do here).
  nim = await startLoopbackServer((request, response) => {
    const { passages } = request.body as { passages: Array<{ image?: string }> };
    sendJson(response, 200, {
      rankings: passages
        .map((passage, index) => ({ index, logit: passage.image ? 2 : 0.5 }))
        .sort((a, b) => b.logit - a.logit),
    });
  });
});

afterAll(async () => {
  await nim.close();
  await rm(workspace, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe("hybrid-rag CLI with PDF page images", () => {
  it("ingest --pdf-page-images stores the chart page and counts it; a second run finds it unchanged", async () => {
    const first = await cli(
      "ingest",
      folder,
      "--into",
      collection,
      "--embedding-model",
      "none",
      "--pdf-page-images",
      "no-text-layer",
      "--pdf-dpi",
      "36",
      "--no-progress",
    );
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toContain("documents   2 (added 2, replaced 0, unchanged 0, removed 0)");
    expect(first.out).toContain(
      "images      1 stored, 0 deduplicated (bytes already stored), 0 skipped; 1 image-only documents",
    );
    // The PDF's bytes are unchanged: its page image is unchanged too, not missing.
    const again = await cli(
      "ingest",
      folder,
      "--into",
      collection,
      "--embedding-model",
      "none",
      "--pdf-page-images",
      "no-text-layer",
      "--remove-missing",
      "--no-progress",
    );
    expect(again.code).toBe(0);
    expect(again.out).toContain("documents   2 (added 0, replaced 0, unchanged 2, removed 0)");
  });

  it("search --page-images add reranks the page image with a NIM VLM endpoint and cites its page", async () => {
    const { code, out, err } = await cli(
      "search",
      collection,
      "berth fee in the fourth quarter",
      "--reranker-model",
      nim.url,
      "--reranker-endpoint-model",
      "nvidia/llama-nemotron-rerank-vl-1b-v2",
      "--reranker-images",
      "yes",
      "--page-images",
      "add",
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    const lines = out.split("\n");
    const pdf = join(folder, "fees.pdf");
    expect(lines[0]).toBe(
      `[1] Berth fees, page 2 — ${pdf}, p. 2 (page image)  (score 2.0000; page-image #1)`,
    );
    expect(lines[1]).toMatch(/^ {4}image\/png \d+×\d+, sha256 [0-9a-f]{12}…$/);
    expect(out).toContain(`[2] Berth fees — ${pdf}, p. 1,`);
    const body = nim.requests[0]!.body as { passages: Array<{ text?: string; image?: string }> };
    expect(body.passages[1]).toMatchObject({ text: "Berth fees, page 2" });
    expect(body.passages[1]!.image).toMatch(/^data:image\/png;base64,/);
  });

  it("refuses --page-images add without an image-aware reranker, saying what to do", async () => {
    const { code, err } = await cli("search", collection, "berth fees", "--page-images", "add");
    expect(code).not.toBe(0);
    expect(err).toMatch(
      /pageImages "add" adds page images to the reranker's candidates, and there is no reranker/,
    );
  });
});

import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deepFacts, writeSampleFolder } from "@hybrid-rag/collection/testing";
import { type LoadedDocument, loadFile } from "@hybrid-rag/loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// `--embedding-model use-lite`: a real dense model from npm (no download), end to end.

let workspace: string;
let folder: string;
let collection: string;
let paths: Awaited<ReturnType<typeof writeSampleFolder>>;

const capture = captureIo;

async function loadParent(path: string): Promise<LoadedDocument> {
  for await (const result of loadFile(path, "parent"))
    if (result.kind === "document") return result;
  throw new Error(`${path} did not load`);
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-use-lite-"));
  folder = join(workspace, "docs");
  await mkdir(folder);
  paths = await writeSampleFolder(folder);
  collection = join(workspace, "collection");
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag CLI with --embedding-model use-lite", () => {
  it("ingest chunks with USE-lite's own tokenizer and embeds every chunk", async () => {
    const io = capture();
    const code = await runCli(
      [
        "ingest",
        folder,
        "--into",
        collection,
        "--embedding-model",
        "use-lite",
        "--max-tokens",
        "128",
        "--overlap-tokens",
        "16",
        "--no-progress",
        "--json",
      ],
      io,
    );
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    const summary = JSON.parse(io.out()) as Record<string, unknown>;
    expect(summary).toMatchObject({ documents: 3, added: 3, failed: 0, oversized: 0 });
    // A durable step is also committed every 30 s: a slow machine may save more than version 1.
    expect(summary.version).toBeGreaterThanOrEqual(1);
    expect(summary.chunks).toBeLessThan(400);
  }, 600_000);

  it("search prints the deep PDF passage for a natural-language question as [1] with page, offsets and dense #1", async () => {
    const io = capture();
    const code = await runCli(
      [
        "search",
        collection,
        deepFacts.pdf.question,
        "--embedding-model",
        "use-lite",
        "--top-k",
        "3",
        "--context",
        "300",
      ],
      io,
    );
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    const out = io.out();
    const first = out.split("\n")[0]!;
    const citation = new RegExp(
      `^\\[1\\] Annual engineering report — ${paths.pdf.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, p\\. ${deepFacts.pdf.page}, chars (\\d+)–(\\d+) of the page text {2}\\(score [\\d.]+; (.*)\\)$`,
    );
    const match = citation.exec(first);
    expect(match, first).not.toBeNull();
    const [, start, end, provenance] = match!;
    expect(provenance).toContain("dense #1");
    // PDF offsets point into the page's own text (pdf.js items; checked exactly against the page
    // in chunking's source-spans test): the span holds the sentence's page, and the passage it.
    const parent = await loadParent(paths.pdf);
    const page = parent.pages.find((hint) => hint.number === deepFacts.pdf.page)!;
    expect(Number(end) - Number(start)).toBeGreaterThanOrEqual(deepFacts.pdf.sentence.length);
    expect(parent.text.slice(page.start, page.end)).toContain(deepFacts.pdf.sentence);
    expect(out).toContain("--- context (");
    const context = out.slice(out.indexOf("--- context ("));
    expect(context).toContain(`\n[1] Annual engineering report — ${paths.pdf}, p`);
    expect(context).toContain(deepFacts.pdf.sentence);
  }, 300_000);

  it("search without --embedding-model uses use-lite, the model the collection was built with", async () => {
    const io = capture();
    const code = await runCli(["search", collection, deepFacts.html.question, "--json"], io);
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(io.out()) as { hits: Array<Record<string, unknown>> };
    expect(result.hits[0]).toMatchObject({
      rank: 1,
      parentId: "coast-article.html",
      source: paths.html,
      pageStart: null,
    });
    expect(result.hits[0]!.text).toContain(deepFacts.html.sentence);
    expect(result.hits[0]!.sources).toMatchObject({ dense: { status: "found", rank: 1 } });
  }, 300_000);
});

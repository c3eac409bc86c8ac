import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deepFacts, writeSampleFolder } from "@hybrid-rag/collection/testing";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

let workspace: string;
let model: string;
let folder: string;
let collection: string;
let paths: Awaited<ReturnType<typeof writeSampleFolder>>;

const capture = captureIo;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-"));
  model = join(workspace, "tiny-bi-encoder");
  await createTinyBertModel(model, { kind: "bi-encoder" });
  folder = join(workspace, "docs");
  await mkdir(folder);
  paths = await writeSampleFolder(folder);
  await writeFile(join(folder, "diagram.png"), "not an image loader");
  collection = join(workspace, "collection");
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag CLI", () => {
  it("ingest prints a summary of files, chunks, skipped, duplicates and truncated", async () => {
    const io = capture();
    const code = await runCli(
      [
        "ingest",
        folder,
        "--into",
        collection,
        "--embedding-model",
        model,
        "--max-tokens",
        "128",
        "--no-progress",
      ],
      io,
    );
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    const out = io.out();
    expect(out).toMatch(/Ingested into .* \(version 1\)/);
    expect(out).toMatch(/documents {3}3 \(added 3, replaced 0, unchanged 0, removed 0\)/);
    expect(out).toMatch(/chunks {6}\d+ written \([\d.]+ docs\/s, [\d.]+ chunks\/s\)/);
    expect(out).toContain(
      `skipped     1\n    ${join(folder, "diagram.png")}: unsupported file type ".png"`,
    );
    expect(out).toContain("duplicates  0");
    expect(out).toMatch(/truncated {3}0 chunks/);
    expect(out).toMatch(
      /stages {6}load [\d.]+ s, chunk [\d.]+ s, embed [\d.]+ s, write [\d.]+ s\n/,
    );
  }, 120_000);

  it("ingest without a model flag and without the Hub names the offline route", async () => {
    const io = capture();
    const emptyCache = join(workspace, "empty-hub-cache");
    vi.stubEnv("HF_HUB_OFFLINE", "1");
    vi.stubEnv("HF_HUB_CACHE", emptyCache);
    try {
      const code = await runCli(
        ["ingest", folder, "--into", join(workspace, "offline"), "--no-progress"],
        io,
      );
      expect(code).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(io.err()).toContain("BAAI/bge-small-en-v1.5");
    expect(io.err()).toContain("--embedding-model use-lite");
  }, 60_000);

  it("search prints the deep PDF passage first with its citation (source, page, offsets)", async () => {
    const io = capture();
    const code = await runCli(
      [
        "search",
        collection,
        deepFacts.pdf.query,
        "--embedding-model",
        model,
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
    expect(
      out.startsWith(
        `[1] Annual engineering report — ${paths.pdf}, p. ${deepFacts.pdf.page}, chars `,
      ),
    ).toBe(true);
    expect(out).toContain("bm25 #1");
    expect(out).toContain("--- context (");
    expect(out).toContain(deepFacts.pdf.sentence);
  }, 120_000);

  it("search --json returns the hits with provenance", async () => {
    const io = capture();
    const code = await runCli(
      // Without --embedding-model, search uses the model the collection was built with.
      ["search", collection, deepFacts.markdown.query, "--json"],
      io,
    );
    expect(code).toBe(0);
    const result = JSON.parse(io.out()) as { hits: Array<Record<string, unknown>> };
    expect(result.hits[0]).toMatchObject({
      rank: 1,
      parentId: "kitchen-guide.md",
      source: paths.markdown,
      pageStart: null,
      headingPath: ["Kitchen guide", "Baking notes"],
    });
    expect(result.hits[0]!.text).toContain(deepFacts.markdown.sentence);
    // The span points into the file: its characters and bytes hold the passage, lines too.
    const span = result.hits[0]!.sourceSpan as Record<string, number>;
    const bytes = await readFile(paths.markdown);
    const file = bytes.toString("utf8");
    const slice = file.slice(span.charStart, span.charEnd);
    expect(bytes.subarray(span.byteStart, span.byteEnd).toString("utf8")).toBe(slice);
    const squash = (value: string) => value.replace(/\s+/g, " ").trim();
    expect(squash(slice)).toContain(squash(deepFacts.markdown.sentence));
    expect(squash(slice)).toContain(squash(String(result.hits[0]!.text)).slice(-40));
    expect(span.lineStart).toBe(file.slice(0, span.charStart).split("\n").length);
    expect(span.lineEnd).toBe(file.slice(0, span.charEnd! - 1).split("\n").length);
    // The text output cites the file's lines and characters.
    const io2 = capture();
    expect(await runCli(["search", collection, deepFacts.markdown.query], io2)).toBe(0);
    expect(io2.out()).toContain(
      `${paths.markdown}:${span.lineStart}-${span.lineEnd}, chars ${span.charStart}–${span.charEnd} of the file`,
    );
    expect((result.hits[0]!.sources as Record<string, { status: string }>).bm25!.status).toBe(
      "found",
    );
  }, 120_000);

  it("re-ingesting the unchanged folder embeds nothing and saves nothing", async () => {
    const io = capture();
    expect(
      await runCli(
        ["ingest", folder, "--into", collection, "--embedding-model", model, "--json"],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({
      documents: 3,
      unchanged: 3,
      chunks: 0,
      version: null,
      currentVersion: 1,
      saved: null,
    });
  }, 120_000);

  it("explains bad input and exits non-zero", async () => {
    const io = capture();
    expect(
      await runCli(
        ["search", join(workspace, "nothing-here"), "query", "--embedding-model", model],
        io,
      ),
    ).toBe(1);
    expect(io.err()).toMatch(/not-found: .*holds no collection/);
    const usage = capture();
    expect(await runCli(["ingest", folder], usage)).toBe(2);
    expect(usage.err()).toMatch(/required option '--into <dir>'/);
  }, 120_000);
});

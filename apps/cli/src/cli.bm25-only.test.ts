import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deepFacts, writeSampleFolder } from "@hybrid-rag/collection/testing";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { parsePipelineSpec } from "@hybrid-rag/pipeline";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { cliDefaultSpec } from "./cli-spec.ts";
import { runCli } from "./main.ts";
import { openServedCollection } from "./open-served-collection.ts";

let workspace: string;
let model: string;
let folder: string;
let lexical: string;
let paths: Awaited<ReturnType<typeof writeSampleFolder>>;

interface JsonHit {
  parentId: string;
  source: string;
  text: string;
  score: number;
  sources: Record<string, { status: string; rank?: number; score?: number }>;
}

const manifestOf = async (directory: string) =>
  JSON.parse(await readFile(join(directory, "manifest.json"), "utf8")) as {
    formatVersion: number;
    version: number;
    directory: string;
    embedder: { name: string; dimension: number } | null;
    metric: string | null;
    files: { dense: string | null };
    counts: { parents: number; chunks: number };
  };

async function searchJson(directory: string, query: string, ...flags: string[]) {
  const io = captureIo();
  const code = await runCli(["search", directory, query, "--json", ...flags], io);
  expect(io.err()).toBe("");
  expect(code).toBe(0);
  return (JSON.parse(io.out()) as { hits: JsonHit[] }).hits;
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-bm25-only-"));
  model = join(workspace, "tiny-bi-encoder");
  await createTinyBertModel(model, { kind: "bi-encoder" });
  folder = join(workspace, "docs");
  await mkdir(folder);
  paths = await writeSampleFolder(folder);
  lexical = join(workspace, "lexical");
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag CLI, a BM25-only collection (--embedding-model none)", () => {
  it("ingest --embedding-model none writes BM25 and the store only, without any model", async () => {
    const io = captureIo();
    // No Hub and an empty cache: a model load would fail, so this proves none is loaded.
    vi.stubEnv("HF_HUB_OFFLINE", "1");
    vi.stubEnv("HF_HUB_CACHE", join(workspace, "empty-hub-cache"));
    try {
      const code = await runCli(
        ["ingest", folder, "--into", lexical, "--embedding-model", "none", "--no-progress"],
        io,
      );
      expect(io.err()).toBe("");
      expect(code).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(io.out()).toMatch(/documents {3}3 \(added 3, replaced 0, unchanged 0, removed 0\)/);
    const manifest = await manifestOf(lexical);
    expect(manifest).toMatchObject({
      formatVersion: 2,
      version: 1,
      embedder: null,
      metric: null,
      files: { dense: null },
      counts: { parents: 3 },
    });
    expect(manifest.counts.chunks).toBeGreaterThan(3);
    expect(await readdir(join(lexical, manifest.directory))).not.toContain("dense.vectors");
  }, 120_000);

  it("search needs no model flag and returns BM25 hits with provenance", async () => {
    const hits = await searchJson(lexical, deepFacts.pdf.query, "--top-k", "3");
    expect(hits[0]).toMatchObject({ parentId: "engineering-report.pdf", source: paths.pdf });
    expect(hits[0]!.text).toContain(deepFacts.pdf.sentence);
    for (const hit of hits) expect(Object.keys(hit.sources)).toEqual(["bm25"]);
    expect(hits[0]!.sources.bm25).toMatchObject({ status: "found", rank: 1 });
    // Nothing is fused (the default --fusion rrf has one list): the score is BM25's own.
    for (const hit of hits) expect(hit.score).toBe(hit.sources.bm25!.score);
  }, 120_000);

  it("search with a model flag on a BM25-only collection says how to add a dense side", async () => {
    const io = captureIo();
    expect(await runCli(["search", lexical, "query", "--embedding-model", model], io)).toBe(1);
    expect(io.err()).toContain("is a BM25-only collection");
    expect(io.err()).toContain(`hybrid-rag ingest <folder> --into ${lexical} --embedding-model`);
  });

  it("serve and mcp open it without an embedder", async () => {
    const served = await openServedCollection(lexical, {
      spec: parsePipelineSpec({ ...cliDefaultSpec, executionProvider: "cpu" }),
      chosen: new Set(),
    });
    try {
      expect(served.collection.dense).toBeUndefined();
      const result = await served.collection.search(deepFacts.markdown.query, { topK: 1 });
      expect(result.parents[0]!.parentId).toBe("kitchen-guide.md");
    } finally {
      await served.release();
    }
  });

  it("re-ingesting without a model flag keeps it BM25-only", async () => {
    const io = captureIo();
    vi.stubEnv("HF_HUB_OFFLINE", "1");
    vi.stubEnv("HF_HUB_CACHE", join(workspace, "empty-hub-cache"));
    try {
      expect(await runCli(["ingest", folder, "--into", lexical, "--json"], io)).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
    // Nothing changed: nothing is written (no new version).
    expect(JSON.parse(io.out())).toMatchObject({
      documents: 3,
      unchanged: 3,
      version: null,
      currentVersion: 1,
    });
    expect((await manifestOf(lexical)).embedder).toBeNull();
  }, 120_000);

  it("ingest with a model gives it a dense side: documents ingested before get dense hits", async () => {
    const before = await manifestOf(lexical);
    const io = captureIo();
    const code = await runCli(
      ["ingest", folder, "--into", lexical, "--embedding-model", model, "--json"],
      io,
    );
    expect(code).toBe(0);
    expect(io.err()).toContain(
      `is BM25-only: embedding its ${before.counts.chunks} stored chunks with onnx:${model}`,
    );
    // The folder is unchanged: every vector comes from the chunks already stored.
    expect(JSON.parse(io.out())).toMatchObject({ documents: 3, unchanged: 3, chunks: 0 });
    const manifest = await manifestOf(lexical);
    // Gaining a dense side writes a whole new version, though no document changed.
    expect(manifest).toMatchObject({
      version: 2,
      embedder: { name: `onnx:${model}` },
      metric: "cosine",
      files: { dense: "dense.vectors" },
      counts: before.counts,
    });
    // Without a model flag, search now loads the model it was given and fuses both sides.
    const hits = await searchJson(lexical, deepFacts.markdown.query, "--top-k", "5");
    expect(hits[0]!.parentId).toBe("kitchen-guide.md");
    // Every hit belongs to a document of the BM25-only ingests (this one wrote no chunk).
    for (const hit of hits) expect(Object.keys(hit.sources).sort()).toEqual(["bm25", "dense"]);
    expect(hits.filter((hit) => hit.sources.dense!.status === "found")).toHaveLength(5);
  }, 120_000);

  it("--embedding-model none on a hybrid collection is refused with what to do", async () => {
    const io = captureIo();
    expect(
      await runCli(["ingest", folder, "--into", lexical, "--embedding-model", "none"], io),
    ).toBe(1);
    expect(io.err()).toContain(`is a hybrid collection built with embedder onnx:${model}`);
    expect((await manifestOf(lexical)).version).toBe(2);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFolderOrFile as corpusSource, runCli } from "@hybrid-rag/cli";
import type { Document } from "@hybrid-rag/core";
import { loadBeirDataset } from "@hybrid-rag/eval";
import { type LoadResult, loadFolder, loadJsonLines } from "@hybrid-rag/loaders";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDocument } from "./load-documents.ts";

// Issue 24: one file with a byte-order mark and the ids 1e21 and "1e+21" gave three different
// answers (loaders collided the ids, eval refused one, the demo threw). Through the one reader,
// the loaders, eval's BEIR stream, the CLI and the demo give the same documents.

let workspace: string;
let beir: string;
let corpusFile: string;

const expected: Document[] = [
  { id: "1e+21", title: "String", text: "the string id" },
  { id: "7", text: "seven" },
];

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "one-reader-"));
  beir = join(workspace, "beir");
  await mkdir(join(beir, "qrels"), { recursive: true });
  corpusFile = join(beir, "corpus.jsonl");
  await writeFile(
    corpusFile,
    [
      '\uFEFF{"_id": "1e+21", "title": "String", "text": "the string id"}',
      '{"_id": 1e21, "text": "the number id"}',
      '{"_id": 7, "text": "seven"}',
      '{"_id": "7", "text": "seven again"}',
    ].join("\n"),
  );
  await writeFile(join(beir, "queries.jsonl"), '{"_id": "q1", "text": "string"}\n');
  await writeFile(join(beir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\t1e+21\t1\n");
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function documentsOf(results: AsyncIterable<LoadResult>): Promise<Document[]> {
  const documents: Document[] = [];
  for await (const result of results)
    if (result.kind === "document") documents.push(asDocument(result));
  return documents;
}

describe('one file with a byte-order mark and the ids 1e21 and "1e+21"', () => {
  it("gives the same documents through the loaders, a file or its folder", async () => {
    expect(await documentsOf(loadJsonLines(corpusFile))).toEqual(expected);
    expect(await documentsOf(loadFolder(beir))).toEqual(expected);
  });

  it("says why the other two lines are left out", async () => {
    const skipped: string[] = [];
    for await (const result of loadJsonLines(corpusFile)) {
      if (result.kind === "skipped") skipped.push(`${result.source}: ${result.code}`);
    }
    expect(skipped).toEqual([`${corpusFile}:2: invalid-record`, `${corpusFile}:4: duplicate-id`]);
  });

  it("gives the same documents through eval's BEIR stream", async () => {
    const dataset = await loadBeirDataset(beir);
    const documents: Document[] = [];
    for await (const document of dataset.documents()) documents.push(document);
    expect(documents).toEqual(expected);
    expect(dataset.documentCount).toBe(2);
    expect(dataset.warnings).toHaveLength(2);
  });

  it("gives the same documents through the demo, a folder or the single file", async () => {
    expect(await documentsOf(await corpusSource(beir))).toEqual(expected);
    expect(await documentsOf(await corpusSource(corpusFile))).toEqual(expected);
  });

  it("gives the same documents through the CLI's ingest and search", async () => {
    const model = join(workspace, "tiny-bi-encoder");
    await createTinyBertModel(model, { kind: "bi-encoder" });
    const collection = join(workspace, "collection");
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (text: string) => out.push(text) > 0, isTTY: false },
      stderr: { write: (text: string) => err.push(text) > 0, isTTY: false },
    };
    const ingest = ["ingest", beir, "--into", collection, "--embedding-model", model];
    expect(await runCli([...ingest, "--no-progress", "--json"], io as never)).toBe(0);
    const summary = JSON.parse(out.join("")) as { added: number; skipped: { source: string }[] };
    expect(summary.added).toBe(2);
    expect(summary.skipped.map(({ source }) => source)).toEqual(
      expect.arrayContaining([`${corpusFile}:2`, `${corpusFile}:4`]),
    );
    out.length = 0;
    const search = [
      "search",
      collection,
      "string id seven again number",
      "--top-k",
      "10",
      "--json",
    ];
    expect(await runCli(search, io as never)).toBe(0);
    const { hits } = JSON.parse(out.join("")) as {
      hits: { parentId: string; text: string }[];
    };
    const found = new Map(hits.map((hit) => [hit.parentId, hit.text]));
    expect(Object.fromEntries(found)).toEqual({ "1e+21": "the string id", "7": "seven" });
  }, 120_000);
});

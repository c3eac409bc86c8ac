import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { CliIo } from "@hybrid-rag/cli";
import { createTestPdf } from "@hybrid-rag/loaders/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { startDemo } from "./start-demo.ts";

let folder: string;
let cache: string;
let noModel: string;
beforeEach(async () => {
  const workspace = await mkdtemp(join(tmpdir(), "demo-start-"));
  folder = join(workspace, "corpus");
  cache = join(workspace, "cache");
  // An empty model folder means no dense side (what compose mounts without a model): BM25 only.
  noModel = join(workspace, "no-model");
  await Promise.all([mkdir(folder), mkdir(noModel)]);
});
afterEach(async () => {
  await rm(join(folder, ".."), { recursive: true, force: true });
});

function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const stderr = new PassThrough();
  stderr.on("data", (data: Buffer) => {
    err += data.toString();
  });
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr,
    out: () => out,
    err: () => err,
  };
}

function start(corpus: string, io: CliIo) {
  return startDemo(
    demoConfigFromEnvironment(
      {
        DEMO_PORT: "0",
        DEMO_LOG_LEVEL: "silent",
        DEMO_CACHE_DIR: cache,
        EMBEDDING_MODEL_PATH: noModel,
      },
      corpus,
    ),
    { io },
  );
}

describe("startDemo's ingest summary (the CLI's, into the demo's cached collection)", () => {
  it("in a folder, lists duplicate ids (first wins) and skipped files instead of reporting all as indexed", async () => {
    const records = [
      { id: "1", text: "solar panels" },
      { id: "2", text: "wind turbines" },
      { id: "1", text: "solar panels, corrected" },
      { id: "3", text: "coffee beans" },
      { id: "2", text: "wind turbines, corrected" },
    ];
    const file = join(folder, "docs.jsonl");
    await writeFile(file, records.map((record) => JSON.stringify(record)).join("\n"));
    await writeFile(join(folder, "logo.png"), "png");
    const io = captureIo();
    const demo = await start(folder, io);
    try {
      const out = io.out();
      expect(out).toMatch(/documents {3}3 \(added 3, replaced 0, unchanged 0, removed 0\)/);
      expect(out).toContain("skipped     3\n");
      expect(out).toContain(
        `    ${file}:3: the id "1" was already loaded from ${file}:1; the first document with an id is kept\n`,
      );
      expect(out).toContain(
        `    ${file}:5: the id "2" was already loaded from ${file}:2; the first document with an id is kept\n`,
      );
      expect(out).toContain(`    ${join(folder, "logo.png")}: unsupported file type ".png"`);
      expect(out).toContain(
        "2 duplicate ids skipped (first wins: the first document of an id is kept, later ones are skipped)\n",
      );
      const hits = JSON.stringify(await demo.engine.search("solar", { topK: 5, candidates: 10 }));
      expect(hits).toContain("solar panels");
      expect(hits).not.toContain("corrected");
    } finally {
      await demo.close();
    }
  });

  it("reads a single JSONL file as the same folder holding it would: chunked, first wins", async () => {
    const records = [
      { id: "1", text: "solar panels" },
      { id: "2", text: "wind turbines" },
      { id: "1", text: "solar panels, corrected" },
    ];
    const file = join(folder, "docs.jsonl");
    await writeFile(file, records.map((record) => JSON.stringify(record)).join("\n"));
    const io = captureIo();
    const demo = await start(file, io);
    try {
      expect(io.out()).toMatch(/documents {3}2 \(added 2,/);
      expect(io.out()).toContain("1 duplicate id skipped (first wins");
      const hits = JSON.stringify(await demo.engine.search("solar", { topK: 5, candidates: 10 }));
      expect(hits).toContain("solar panels");
      expect(hits).not.toContain("corrected");
    } finally {
      await demo.close();
    }
  });

  it("reads a single PDF, which it used to refuse", async () => {
    const file = join(folder, "report.pdf");
    await writeFile(file, await createTestPdf({ title: "Report", pages: ["Tidal energy page."] }));
    const io = captureIo();
    const demo = await start(file, io);
    try {
      expect(io.out()).toMatch(/documents {3}1 \(added 1,/);
      expect(io.out()).toMatch(/opened .*: 1 documents, 1 chunks/);
      expect(
        JSON.stringify(await demo.engine.search("tidal", { topK: 5, candidates: 10 })),
      ).toContain("Tidal energy page.");
    } finally {
      await demo.close();
    }
  });
});

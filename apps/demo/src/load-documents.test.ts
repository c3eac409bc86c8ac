import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sampleCorpusPath } from "./demo-config.ts";
import { loadDocuments } from "./load-documents.ts";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "demo-corpus-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("loadDocuments", () => {
  it("reads text, Markdown and JSONL files of a folder, recursively", async () => {
    await mkdir(join(folder, "notes"));
    await writeFile(join(folder, "notes", "a.md"), "# Alpha heading\n\nBody of alpha.");
    await writeFile(join(folder, "b.txt"), "Plain text.");
    await writeFile(join(folder, "skip.png"), "not text");
    await writeFile(
      join(folder, "c.jsonl"),
      '{"id": 7, "text": "seven"}\n\n{"_id": "x", "title": "X", "text": "ex", "metadata": {"k": 1}}\n',
    );
    const documents = await loadDocuments(folder);
    expect(documents).toEqual([
      { id: "b.txt", title: "b", text: "Plain text." },
      { id: "7", text: "seven" },
      { id: "x", title: "X", text: "ex", metadata: { k: 1 } },
      { id: "notes/a.md", title: "Alpha heading", text: "# Alpha heading\n\nBody of alpha." },
    ]);
  });

  it("reads a BEIR folder's corpus.jsonl", async () => {
    await writeFile(join(folder, "corpus.jsonl"), '{"_id": "d1", "title": "", "text": "one"}\n');
    await writeFile(join(folder, "queries.jsonl"), '{"_id": "q1", "text": "not a document"}\n');
    expect(await loadDocuments(folder)).toEqual([{ id: "d1", text: "one" }]);
  });

  it("names the file and line of a bad JSONL line", async () => {
    await writeFile(join(folder, "bad.jsonl"), '{"id": "ok", "text": "fine"}\n{"id": "no-text"}\n');
    await expect(loadDocuments(join(folder, "bad.jsonl"))).rejects.toThrow(/bad\.jsonl:2/);
    await writeFile(join(folder, "broken.jsonl"), "{not json\n");
    await expectErrorCode(loadDocuments(join(folder, "broken.jsonl")), "corrupt-data");
  });

  it("says what to pass when the path does not exist", async () => {
    await expectErrorCode(loadDocuments(join(folder, "missing")), "not-found");
  });

  it("loads the sample corpus shipped with the demo", async () => {
    const documents = await loadDocuments(sampleCorpusPath);
    expect(documents.length).toBeGreaterThanOrEqual(8);
    expect(new Set(documents.map((document) => document.id)).size).toBe(documents.length);
  });
});

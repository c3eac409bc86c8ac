import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFile } from "./load-file.ts";
import { loadFolder } from "./load-folder.ts";
import { loadJsonLines } from "./load-json-lines.ts";
import type { LoadResult } from "./loaded-document.ts";
import { readAheadDepth } from "./read-ahead.ts";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "loaders-edges-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function collect(results: AsyncIterable<LoadResult>): Promise<LoadResult[]> {
  const all: LoadResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

const summary = (results: readonly LoadResult[]) =>
  results.map((result) =>
    result.kind === "document"
      ? `document ${result.id}`
      : `skipped ${result.source.replace(`${folder}/`, "")}: ${result.code}`,
  );

describe("a walk that outlives its folder", () => {
  it("reports a folder and a file removed mid-walk, and goes on", async () => {
    await writeFile(join(folder, "a.txt"), "first");
    await mkdir(join(folder, "b"));
    await writeFile(join(folder, "b", "inner.txt"), "inner");
    // A walk reads up to readAheadDepth files ahead of their turn (one removed after its read is
    // loaded as read): these put c.txt beyond that window when it is removed.
    const ahead = Array.from({ length: readAheadDepth }, (_, index) => `b-${index}.txt`).sort();
    for (const name of ahead) await writeFile(join(folder, name), name);
    await writeFile(join(folder, "c.txt"), "third");
    await writeFile(join(folder, "d.txt"), "fourth");
    const results: LoadResult[] = [];
    for await (const result of loadFolder(folder)) {
      results.push(result);
      // The walk has listed the folder; now the rest vanishes under it.
      if (results.length === 1) {
        await rm(join(folder, "b"), { recursive: true });
        await rm(join(folder, "c.txt"));
      }
    }
    expect(summary(results)).toEqual([
      "document a.txt",
      "skipped b: vanished",
      ...ahead.map((name) => `document ${name}`),
      "skipped c.txt: vanished",
      "document d.txt",
    ]);
  });
});

describe("the wall-time budget", () => {
  it("stops an extraction at the deadline and loads the next file on a fresh thread", async () => {
    // 3,000 nested <div>s are within this depth budget, and Readability takes far longer
    // than 300 ms on them (18 s at 1,000 levels was reported).
    await writeFile(
      join(folder, "a-slow.html"),
      `${"<div>".repeat(3_000)}x${"</div>".repeat(3_000)}`,
    );
    await writeFile(join(folder, "b-fine.md"), "# Fine\n\nAfter the slow one.");
    const results = await collect(loadFolder(folder, { maxDepth: 10_000, fileTimeoutMs: 300 }));
    expect(results[0]).toMatchObject({
      kind: "skipped",
      code: "timeout",
      reason: "extraction took longer than 300 ms and was stopped (raise fileTimeoutMs)",
    });
    expect(results[1]).toMatchObject({
      kind: "document",
      id: "b-fine.md",
      text: "Fine\n\nAfter the slow one.",
    });
  }, 30_000);
});

describe("budgets given as options", () => {
  it("are refused when not whole numbers ≥ 1, naming the option and the value", async () => {
    const loading = collect(loadFolder(folder, { maxPages: 0 }));
    await expectErrorCode(loading, "invalid-argument");
    await expect(loading).rejects.toThrow(/maxPages must be a whole number from 1 to .*, got 0/);
    await expect(
      collect(loadFile(join(folder, "x.txt"), "x", { fileTimeoutMs: 2 ** 31 })),
    ).rejects.toThrow(/fileTimeoutMs must be a whole number from 1 to 2147483647, got 2147483648/);
  });

  it("apply to a single file: bytes", async () => {
    await writeFile(join(folder, "big.txt"), "y".repeat(2_000));
    expect(
      await collect(loadFile(join(folder, "big.txt"), "big.txt", { maxFileBytes: 1_000 })),
    ).toEqual([
      {
        kind: "skipped",
        source: join(folder, "big.txt"),
        code: "over-budget",
        reason: "2000 bytes, over the 1000-byte budget (raise maxFileBytes)",
      },
    ]);
  });
});

describe("JSON Lines: the id rule and the duplicate rule", () => {
  it("keeps string ids and safe integers, refuses inexact numbers, keeps the first of an id", async () => {
    const file = join(folder, "ids.jsonl");
    await writeFile(
      file,
      [
        '\uFEFF{"id": "007", "text": "a"}',
        '{"_id": 9007199254740991, "text": "b"}',
        '{"id": 9007199254740993, "text": "c"}',
        '{"id": 1.5, "text": "d"}',
        '{"id": "007", "text": "again"}',
        '{"id": "", "text": "empty id"}',
        '{"id": "tab\\there", "text": "control character"}',
        "",
        '{"id": "w", "text": "wide é€𝄞"}\r',
      ].join("\n"),
    );
    const results = await collect(loadJsonLines(file));
    expect(results.map((r) => (r.kind === "document" ? r.id : `${r.source}: ${r.reason}`))).toEqual(
      [
        "007",
        "9007199254740991",
        `${file}:3: not a document record (id: is a number that is not a whole number up to 2^53 - 1, so it cannot be kept exactly as written; write it as a JSON string)`,
        `${file}:4: not a document record (id: is a number that is not a whole number up to 2^53 - 1, so it cannot be kept exactly as written; write it as a JSON string)`,
        `${file}:5: the id "007" was already loaded from ${file}:1; the first document with an id is kept`,
        `${file}:6: not a document record (id: document id must not be empty)`,
        `${file}:7: not a document record (id: document id must not contain control characters)`,
        "w",
      ],
    );
    expect(results.at(-1)).toMatchObject({ text: "wide é€𝄞", line: 9 });
  });

  it("applies the duplicate rule across the files of a folder", async () => {
    await writeFile(join(folder, "a.txt"), "text file a");
    await writeFile(join(folder, "b.jsonl"), '{"id": "a.txt", "text": "same id"}\n');
    expect(summary(await collect(loadFolder(folder)))).toEqual([
      "document a.txt",
      "skipped b.jsonl:1: duplicate-id",
    ]);
  });

  it("refuses a UTF-16 JSON Lines file as a whole, saying to re-save it", async () => {
    const file = join(folder, "wide.jsonl");
    await writeFile(
      file,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"id":"a","text":"x"}\n', "utf16le")]),
    );
    expect(await collect(loadJsonLines(file))).toEqual([
      {
        kind: "skipped",
        source: file,
        code: "encoding",
        reason: "a UTF-16 JSON Lines file (JSON Lines are UTF-8); re-save it as UTF-8",
      },
    ]);
  });
});

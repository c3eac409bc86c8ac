import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCorpus, loadDocuments } from "./load-documents.ts";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "demo-corpus-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

describe("duplicate ids", () => {
  beforeEach(async () => {
    await writeFile(
      join(folder, "docs.jsonl"),
      line({ id: "x", text: "first x" }) +
        line({ id: "y", text: "y" }) +
        line({ id: "x", text: "second x" }),
    );
  });

  it("are refused by default, naming both places", async () => {
    const loading = loadDocuments(join(folder, "docs.jsonl"));
    await expectErrorCode(loading, "invalid-argument");
    await expect(loading).rejects.toThrow(
      /docs\.jsonl:3: the id "x" was already used at .*docs\.jsonl:1/,
    );
  });

  it('are kept last-wins and counted under onDuplicateId: "last-wins"', async () => {
    const corpus = await loadCorpus(join(folder, "docs.jsonl"), { onDuplicateId: "last-wins" });
    expect(corpus.documents).toEqual([
      { id: "y", text: "y" },
      { id: "x", text: "second x" },
    ]);
    expect(corpus.records).toBe(3);
    expect(corpus.duplicates).toEqual([
      {
        id: "x",
        replaced: `${join(folder, "docs.jsonl")}:1`,
        keptFrom: `${join(folder, "docs.jsonl")}:3`,
      },
    ]);
  });

  it("are found across files of a folder too (a text file's path id against a JSONL id)", async () => {
    await writeFile(join(folder, "a.txt"), "text file a");
    await writeFile(join(folder, "more.jsonl"), line({ id: "a.txt", text: "same id" }));
    const corpus = await loadCorpus(folder, { onDuplicateId: "last-wins" });
    expect(corpus.duplicates.map(({ id }) => id).sort()).toEqual(["a.txt", "x"]);
    expect(corpus.documents).toHaveLength(3);
  });
});

describe("ids kept exactly as written", () => {
  it("keeps string ids as they are and safe integers as their digits", async () => {
    await writeFile(
      join(folder, "ids.jsonl"),
      line({ id: "007", text: "a" }) +
        line({ _id: 9007199254740991, text: "b" }) +
        line({ id: -3, text: "c" }),
    );
    const ids = (await loadDocuments(join(folder, "ids.jsonl"))).map((document) => document.id);
    expect(ids).toEqual(["007", "9007199254740991", "-3"]);
  });

  it.each([
    ["12345678901234567890", "12345678901234567891"],
    ["9007199254740993", "9007199254740992"],
    ["1.5", "2.5"],
    ["1e21", "1e22"],
  ])(
    "refuses the number %s, which cannot be kept exactly (no silent collision)",
    async (first, second) => {
      await writeFile(
        join(folder, "big.jsonl"),
        `{"id": ${first}, "text": "a"}\n{"id": ${second}, "text": "b"}\n`,
      );
      const loading = loadDocuments(join(folder, "big.jsonl"));
      await expectErrorCode(loading, "invalid-argument");
      await expect(loading).rejects.toThrow(
        /big\.jsonl:1: the id .* write the id as a JSON string/,
      );
    },
  );
});

describe("single files", () => {
  it("reads one .md argument as one text document, not as JSONL", async () => {
    await writeFile(join(folder, "note.md"), "# A note\n\nSome text.");
    expect(await loadDocuments(join(folder, "note.md"))).toEqual([
      { id: "note.md", title: "A note", text: "# A note\n\nSome text." },
    ]);
  });

  it("refuses a file type it does not read, saying which it reads", async () => {
    await writeFile(join(folder, "data.csv"), "a,b\n");
    await expect(loadDocuments(join(folder, "data.csv"))).rejects.toThrow(
      /a "\.csv" file is neither JSONL \(\.jsonl, \.ndjson\) nor text/,
    );
  });

  it("accepts JSONL that starts with a UTF-8 byte-order mark, and CRLF line ends", async () => {
    await writeFile(
      join(folder, "bom.jsonl"),
      `\uFEFF{"id": "a", "text": "one"}\r\n{"id": "b", "text": "two"}\r\n`,
    );
    expect(await loadDocuments(join(folder, "bom.jsonl"))).toEqual([
      { id: "a", text: "one" },
      { id: "b", text: "two" },
    ]);
  });
});

describe("symbolic links", () => {
  it("are followed to files and folders; broken ones and loops are reported", async () => {
    const outside = await mkdtemp(join(tmpdir(), "demo-outside-"));
    try {
      await writeFile(join(outside, "linked.md"), "linked file");
      await mkdir(join(outside, "shelf"));
      await writeFile(join(outside, "shelf", "book.txt"), "a book");
      await writeFile(join(folder, "own.txt"), "own");
      await symlink(join(outside, "linked.md"), join(folder, "link-to-file.md"));
      await symlink(join(outside, "shelf"), join(folder, "link-to-folder"));
      await symlink(join(outside, "gone.txt"), join(folder, "broken.txt"));
      await symlink(folder, join(folder, "loop"));
      const corpus = await loadCorpus(folder);
      expect(corpus.documents.map((document) => document.id)).toEqual([
        "link-to-file.md",
        "link-to-folder/book.txt",
        "own.txt",
      ]);
      expect(corpus.skipped).toEqual([
        { path: join(folder, "broken.txt"), reason: "a symbolic link whose target does not exist" },
        { path: join(folder, "loop"), reason: expect.stringMatching(/^a folder already read/) },
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("lists files of other types as skipped instead of dropping them silently", async () => {
    await writeFile(join(folder, "picture.png"), "png");
    await writeFile(join(folder, "a.txt"), "a");
    const corpus = await loadCorpus(folder);
    expect(corpus.skipped).toEqual([
      { path: join(folder, "picture.png"), reason: "not a .txt, .md, .markdown or .jsonl file" },
    ]);
  });
});

describe("a line too long to be one document", () => {
  it("is refused with the file, line and limit, before it is read to its end", async () => {
    const long = `{"id": "big", "text": "${"x".repeat(300_000)}"}`;
    await writeFile(join(folder, "long.jsonl"), `${line({ id: "a", text: "ok" })}${long}\n`);
    const loading = loadCorpus(join(folder, "long.jsonl"), { maxDocumentBytes: 100_000 });
    await expectErrorCode(loading, "invalid-argument");
    await expect(loading).rejects.toThrow(
      /long\.jsonl:2 is longer than 100000 bytes, the most one document may take; split/,
    );
  });

  it("is read whole when within the limit, multi-byte characters across chunk borders included", async () => {
    const text = "é€𝄞".repeat(40_000); // > 64 KiB read chunks, characters of 2, 3 and 4 bytes
    await writeFile(join(folder, "wide.jsonl"), line({ id: "w", text }));
    expect(await loadDocuments(join(folder, "wide.jsonl"))).toEqual([{ id: "w", text }]);
  });

  it("applies to a text file too", async () => {
    await writeFile(join(folder, "big.txt"), "y".repeat(2_000));
    await expect(loadCorpus(folder, { maxDocumentBytes: 1_000 })).rejects.toThrow(
      /big\.txt is 2000 bytes, more than 1000 bytes/,
    );
  });
});

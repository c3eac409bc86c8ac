import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { documentIdSchema, HybridRagError } from "@hybrid-rag/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";
import {
  asVersionTwo,
  buildIndexFile,
  documentsSection,
  type IndexFileSections,
  parseIndexFile,
} from "./index-file.test.helper.ts";
import { loadBm25Index } from "./load-bm25-index.ts";

let folder = "";
let saved: Buffer;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "bm25-hardening-"));
  const index = createBm25Index();
  await index.upsert([
    { id: "a", text: "hello world" },
    { id: "b", text: "goodbye world" },
  ]);
  await index.save(join(folder, "good.bm25"));
  saved = await readFile(join(folder, "good.bm25"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/**
 * The saved index as format version 2 wrote it (documents as JSON lines), its documents section
 * replaced and the header and checksum fixed up: a crafted file that passes the checksum. An
 * array is written as that format writes it (one JSON document per line); a string as it is.
 */
function withDocuments(documents: unknown[] | string): Buffer {
  return asVersionTwo(saved, documents);
}

/** The saved (format 4) file with some sections replaced: it passes the checksum. */
function withSections(sections: Partial<IndexFileSections>): Buffer {
  const file = parseIndexFile(saved);
  return buildIndexFile(file.version, file.header, { ...file.sections, ...sections });
}

async function loadError(content: Buffer): Promise<HybridRagError> {
  const path = join(folder, "crafted.bm25");
  await writeFile(path, content);
  const error = await loadBm25Index(path).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(HybridRagError.isInstance(error), `expected a HybridRagError, got ${String(error)}`).toBe(
    true,
  );
  return error as HybridRagError;
}

describe("loading a format 2 file with a valid checksum but bad content", () => {
  it("reads back the unmodified file (the crafting helper itself is sound)", async () => {
    const path = join(folder, "same.bm25");
    await writeFile(
      path,
      withDocuments(
        JSON.parse(
          JSON.stringify([
            { id: "a", text: "hello world" },
            { id: "b", text: "goodbye world" },
          ]),
        ),
      ),
    );
    expect(await (await loadBm25Index(path)).count()).toBe(2);
  });

  it.each([
    ["a null document", [null, { id: "b", text: "goodbye world" }], /document 0 is not valid/],
    ["a document without text", [{ id: "a" }, { id: "b", text: "x" }], /document 0 \(text\)/],
    [
      "a numeric id",
      [
        { id: 1, text: "a" },
        { id: "b", text: "x" },
      ],
      /document 0 \(id\)/,
    ],
    [
      "a duplicate id",
      [
        { id: "a", text: "hello world" },
        { id: "a", text: "goodbye world" },
      ],
      /document 1 repeats the id "a"/,
    ],
    ["a line that is not JSON", "{ id: a\n", /line 1 of a JSON-lines section does not parse/],
    ["a section without its last newline", '{"id":"a","text":"x"}', /does not end with a newline/],
  ])("refuses %s with corrupt-data", async (_, documents, why) => {
    const error = await loadError(withDocuments(documents));
    expect(error.code).toBe("corrupt-data");
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/Nothing was loaded/);
  });

  it("refuses a header that does not fit the schema with corrupt-data, not invalid-argument", async () => {
    const headerLength = saved.readUInt32LE(12);
    const header = JSON.parse(saved.toString("utf8", 16, 16 + headerLength));
    const bad = Buffer.from(JSON.stringify({ ...header, k1: -1 }).padEnd(headerLength), "utf8");
    const body = Buffer.concat([
      saved.subarray(0, 16),
      bad,
      saved.subarray(16 + headerLength, saved.length - 4),
    ]);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32LE(crc32(body), 0);
    const error = await loadError(Buffer.concat([body, checksum]));
    expect(error.code).toBe("corrupt-data");
    expect(error.message).toMatch(/header is not valid \(k1:/);
  });
});

describe("loading a format 4 file with a valid checksum but bad content", () => {
  it("reads back the file rebuilt from its own sections (the crafting helper itself is sound)", async () => {
    const path = join(folder, "rebuilt.bm25");
    await writeFile(path, withSections({}));
    const loaded = await loadBm25Index(path);
    expect(await loaded.retrieve("world", { topK: 2, includeDocuments: true })).toMatchObject([
      { id: "a", document: { id: "a", text: "hello world" } },
      { id: "b", document: { id: "b", text: "goodbye world" } },
    ]);
  });

  const deepMetadata = `{"a":${"[".repeat(100)}${"]".repeat(100)}}`;
  const twoDocuments = (first: ReadonlyArray<number | null>, bytes: string | Buffer) =>
    documentsSection(
      [...first, 1, null, 13, null],
      Buffer.concat([Buffer.from(bytes), Buffer.from("bgoodbye world")]),
    );

  it.each([
    [
      "an empty id",
      twoDocuments([0, null, 11, null], "hello world"),
      /document 0 \(id\) is not valid: it must be 1 to 512/,
    ],
    [
      "an id over 512 bytes",
      twoDocuments([513, null, 11, null], `${"a".repeat(513)}hello world`),
      /document 0 \(id\) is not valid/,
    ],
    [
      "an id with a control character",
      twoDocuments([2, null, 11, null], "a\u0001hello world"),
      /control character/,
    ],
    ["a document without text", twoDocuments([1, null, null, null], "a"), /document 0 has no text/],
    [
      "a repeated id",
      documentsSection([1, null, 1, null, 1, null, 1, null], "axax"),
      /document 1 repeats the id "a"/,
    ],
    [
      "bytes that are not UTF-8",
      twoDocuments([1, null, 11, null], Buffer.from([0x61, 0xff, ...Buffer.from("ello world")])),
      /not valid UTF-8/,
    ],
    [
      "a field that starts inside a character",
      twoDocuments([1, 1, 1, null], "a\u00e9"),
      /starts inside a UTF-8 character/,
    ],
    [
      "lengths past the end",
      documentsSection([1, null, 99, null, 1, null, 13, null], "ahello worldbgoodbye world"),
      /document 0 runs past the end/,
    ],
    [
      "bytes after the last document",
      documentsSection([1, null, 11, null, 1, null, 13, null], "ahello worldbgoodbye world!"),
      /bytes after its last document/,
    ],
    [
      "a table longer than the section",
      Buffer.alloc(12),
      /shorter than its table of field lengths/,
    ],
    [
      "metadata that is not JSON",
      twoDocuments([1, null, 11, 5], "ahello world{year"),
      /document 0 \(metadata\) is not valid/,
    ],
    [
      "metadata that is not an object",
      twoDocuments([1, null, 11, 3], "ahello world[1]"),
      /document 0 \(metadata\) is not valid/,
    ],
    [
      "metadata nested too deep",
      twoDocuments([1, null, 11, deepMetadata.length], `ahello world${deepMetadata}`),
      /nested deeper than 64 levels/,
    ],
  ])("refuses %s with corrupt-data", async (_, documents, why) => {
    const error = await loadError(withSections({ documents }));
    expect(error.code).toBe("corrupt-data");
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/Nothing was loaded/);
  });

  it("accepts exactly the ids core's documentIdSchema accepts (the byte-level check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 12 }),
          fc.string({ minLength: 500, maxLength: 520 }),
        ),
        async (candidate) => {
          const id = Buffer.from(candidate, "utf8");
          fc.pre(id.toString() !== "b");
          const documents = documentsSection(
            [id.length, null, 11, null, 1, null, 13, null],
            Buffer.concat([id, Buffer.from("hello worldbgoodbye world")]),
          );
          const path = join(folder, "id.bm25");
          await writeFile(path, withSections({ documents }));
          const loaded = await loadBm25Index(path).then(
            () => true,
            (error: unknown) => {
              expect((error as HybridRagError).code).toBe("corrupt-data");
              return false;
            },
          );
          expect(loaded).toBe(documentIdSchema.safeParse(id.toString()).success);
        },
      ),
      { numRuns: 50, seed: 16 },
    );
  }, 60_000);

  it("refuses norms that do not match the lengths, and non-zero padding", async () => {
    const { sections } = parseIndexFile(saved);
    const norms = Buffer.from(sections.norms);
    norms[0] = norms[0]! + 1;
    const error = await loadError(withSections({ norms }));
    expect(error.message).toMatch(/the norm of document 0 does not match its length/);
    // The terms section of the two-document file does not end on a multiple of 8.
    const file = withSections({});
    const termsEnd = file.indexOf(sections.terms) + sections.terms.length;
    expect(termsEnd % 8).not.toBe(0);
    file[termsEnd] = 1;
    file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
    expect((await loadError(file)).message).toMatch(/padding is not zero/);
  });
});

describe("temporary files of a save killed midway", () => {
  it("are removed by the next save and by the next load", async () => {
    const path = join(folder, "leftovers.bm25");
    const index = createBm25Index();
    await index.upsert([{ id: "a", text: "hello" }]);
    const partial = Buffer.alloc(1024, 7);
    await writeFile(`${path}.0123456789ab.tmp`, partial); // the name today's saves use
    await writeFile(`${path}.${2 ** 22 + 3}.0123456789ab.tmp`, partial); // a dead writer's
    await index.save(path);
    expect((await readdir(folder)).filter((name) => name.startsWith("leftovers"))).toEqual([
      "leftovers.bm25",
    ]);
    await writeFile(`${path}.fedcba987654.tmp`, partial);
    await loadBm25Index(path);
    expect((await readdir(folder)).filter((name) => name.startsWith("leftovers"))).toEqual([
      "leftovers.bm25",
    ]);
  });
});

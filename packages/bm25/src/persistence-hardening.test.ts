import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { HybridRagError } from "@hybrid-rag/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";
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
 * The saved file with its documents section replaced and the header and checksum fixed up: a
 * crafted file that passes the checksum. Only the prefix, header and documents are touched. An
 * array is written as the format writes it (one JSON document per line); a string as it is.
 */
function withDocuments(documents: unknown[] | string): Buffer {
  const headerLength = saved.readUInt32LE(12);
  const header = JSON.parse(saved.toString("utf8", 16, 16 + headerLength));
  const rest = saved.subarray(16 + headerLength + header.documentsBytes, saved.length - 4);
  const documentsBytes = Buffer.from(
    typeof documents === "string"
      ? documents
      : documents.map((document) => `${JSON.stringify(document)}\n`).join(""),
    "utf8",
  );
  const newHeader = Buffer.from(
    JSON.stringify({ ...header, documentsBytes: documentsBytes.length }),
    "utf8",
  );
  const prefix = Buffer.from(saved.subarray(0, 16));
  prefix.writeUInt32LE(newHeader.length, 12);
  const body = Buffer.concat([prefix, newHeader, documentsBytes, rest]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, checksum]);
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

describe("loading a file with a valid checksum but bad content", () => {
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

import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { HybridRagError } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex } from "./vector-index.ts";
import { assembleFile, type FileParts, splitFile } from "./vector-index-file.test.helper.ts";

const embedder = new HashingEmbedder(8);
let folder = "";
let saved: Buffer;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "vector-hardening-"));
  const index = createVectorIndex({ embedder, metric: "dot", name: "saved" });
  await index.upsert([
    { id: "a", text: "hello world" },
    { id: "b", text: "goodbye world" },
  ]);
  await index.save(join(folder, "good.hrvi"));
  saved = await readFile(join(folder, "good.hrvi"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** The saved file with its documents and/or vectors replaced, sizes and checksum fixed up. */
function crafted(change: {
  documents?: unknown;
  vectors?: (vectors: Float32Array) => void;
}): Buffer {
  const parts = splitFile(saved);
  change.vectors?.(parts.vectors);
  if (change.documents !== undefined) parts.records = change.documents as unknown[];
  return assembleFile(parts);
}

async function loadError(content: Buffer): Promise<HybridRagError> {
  const path = join(folder, "crafted.hrvi");
  await writeFile(path, content);
  const error = await loadVectorIndex(path, { embedder }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(HybridRagError.isInstance(error), `expected a HybridRagError, got ${String(error)}`).toBe(
    true,
  );
  return error as HybridRagError;
}

describe("loading a vector index file with a valid checksum but bad content", () => {
  it("loads the file rebuilt unchanged (the crafting helper itself is sound)", async () => {
    const path = join(folder, "same.hrvi");
    await writeFile(path, crafted({}));
    expect(await (await loadVectorIndex(path, { embedder })).count()).toBe(2);
  });

  it.each([
    ["a NaN component", Number.NaN, /"b" has NaN at position 3; vectors must be finite/],
    ["an Infinity component", Number.POSITIVE_INFINITY, /"b" has Infinity at position 3/],
  ])("refuses %s with corrupt-data", async (_, value, why) => {
    const error = await loadError(
      crafted({
        vectors: (vectors) => {
          vectors[8 + 3] = value;
        },
      }),
    );
    expect(error.code).toBe("corrupt-data");
    expect(error.message).toMatch(why);
  });

  it.each([
    ["a null document", [null, { id: "b", text: "x" }], /document 0 is not valid: \(root\): /],
    [
      "a document without text",
      [{ id: "a" }, { id: "b", text: "x" }],
      /document 0 is not valid: text: /,
    ],
    [
      "a duplicate id",
      [
        { id: "a", text: "x" },
        { id: "a", text: "y" },
      ],
      /document 1 repeats the id "a"/,
    ],
  ])("refuses %s with corrupt-data", async (_, documents, why) => {
    const error = await loadError(crafted({ documents }));
    expect(error.code).toBe("corrupt-data");
    expect(error.message).toMatch(why);
  });
});

describe("loading a version-2 file whose structure was tampered with (checksum fixed up)", () => {
  /** The saved file's parts changed by `edit`, reassembled with consistent sizes and checksum. */
  function edited(edit: (parts: FileParts) => Buffer | undefined): Buffer {
    const parts = splitFile(saved);
    return edit(parts) ?? assembleFile(parts);
  }
  function withChecksum(body: Buffer): Buffer {
    const file = Buffer.from(body);
    file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
    return file;
  }

  it.each([
    [
      "a record line that is not JSON",
      () => edited((parts) => assembleFile(parts, Buffer.from('{"id":"a","text":"x"}\n{"id":\n'))),
      /record 1 is not JSON/,
    ],
    [
      "more record lines than vectors",
      () => edited((parts) => assembleFile(parts, Buffer.from("1\n2\n3\n"))),
      /more than the 2 records its header announces/,
    ],
    [
      "records without the final newline",
      () => edited((parts) => assembleFile(parts, Buffer.from('"a"\n"b"'))),
      /does not end with a newline/,
    ],
    [
      "a vector count far beyond the file's length",
      () => {
        const file = Buffer.from(saved);
        file.writeUInt32LE(0xffff_ffff, 20);
        return withChecksum(file);
      },
      /announces 4294967295 vectors of dimension 8 .* but it has \d+ \(truncated\?\)/,
    ],
    [
      "a vectors offset that does not follow the records",
      () => {
        const file = Buffer.from(saved);
        file.writeBigUInt64LE(file.readBigUInt64LE(40) + 64n, 40);
        return withChecksum(file);
      },
      /truncated\?/,
    ],
    [
      "unknown flags",
      () => {
        const file = Buffer.from(saved);
        file.writeUInt32LE(9, 24);
        return withChecksum(file);
      },
      /unknown flags 9/,
    ],
    [
      "a graph description without graph keys",
      () =>
        edited((parts) => {
          parts.metadata.graph = {
            file: "good.hrvi.0123456789ab.hnsw",
            bytes: 1,
            crc32: 1,
            connectivity: 16,
            expansionAdd: 128,
            vectorType: "f16",
          };
          return undefined;
        }),
      /graph description and its graph keys do not come together/,
    ],
    [
      "graph keys without a graph description",
      () =>
        edited((parts) => {
          parts.header.writeUInt32LE(3, 24);
          parts.keys = Buffer.alloc(16);
          return undefined;
        }),
      /graph description and its graph keys do not come together/,
    ],
    [
      "a metadata block that is not valid",
      () =>
        edited((parts) => {
          parts.metadata.name = "";
          return undefined;
        }),
      /its metadata is not valid: name: /,
    ],
  ])("refuses %s with corrupt-data", async (_, file, why) => {
    const error = await loadError(file());
    expect(error.code).toBe("corrupt-data");
    expect(error.message).toMatch(why);
  });

  it("refuses an id record that is not a string in a file saved without documents", async () => {
    const index = createVectorIndex({ embedder, name: "ids" });
    await index.upsert([
      { id: "a", text: "x" },
      { id: "b", text: "y" },
    ]);
    const path = join(folder, "ids.hrvi");
    await index.save(path, { storeDocuments: false });
    const parts = splitFile(await readFile(path));
    parts.records = ["a", 7];
    await writeFile(path, assembleFile(parts));
    const documents = new Map([["a", { id: "a", text: "x" }]]);
    const error = await loadVectorIndex(path, { embedder, documents }).catch((caught) => caught);
    expect(error.code).toBe("corrupt-data");
    expect(error.message).toMatch(/record 1 is not an id/);
  });
});

describe("temporary files of a save killed midway", () => {
  it("are removed by the next save and by the next load", async () => {
    const path = join(folder, "leftovers.hrvi");
    const index = createVectorIndex({ embedder, name: "x" });
    await index.upsert([{ id: "a", text: "hello" }]);
    const partial = Buffer.alloc(1024, 7);
    await writeFile(`${path}.6f1c9d0e-8a4b-4c2d-9e3f-0a1b2c3d4e5f.tmp`, partial); // today's name
    await index.save(path);
    const names = async () =>
      (await readdir(folder)).filter((name) => name.startsWith("leftovers"));
    expect(await names()).toEqual(["leftovers.hrvi"]);
    await writeFile(`${path}.${2 ** 22 + 5}.0123456789ab.tmp`, partial);
    await loadVectorIndex(path, { embedder });
    expect(await names()).toEqual(["leftovers.hrvi"]);
  });
});

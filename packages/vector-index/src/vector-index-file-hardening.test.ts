import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { HybridRagError } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex } from "./vector-index.ts";

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

const headerBytes = 32;

/** The saved file with its metadata JSON and/or vectors replaced, sizes and checksum fixed up. */
function crafted(change: {
  documents?: unknown;
  vectors?: (vectors: Float32Array) => void;
}): Buffer {
  const jsonBytes = saved.readUInt32LE(24);
  const metadata = JSON.parse(saved.toString("utf8", headerBytes, headerBytes + jsonBytes));
  const vectorStart = headerBytes + Math.ceil(jsonBytes / 4) * 4;
  const vectors = new Float32Array(
    new Uint8Array(saved.subarray(vectorStart, saved.length - 4)).buffer,
  );
  change.vectors?.(vectors);
  const json = Buffer.from(
    JSON.stringify({ ...metadata, documents: change.documents ?? metadata.documents }),
    "utf8",
  );
  const padded = Math.ceil(json.length / 4) * 4;
  const file = Buffer.alloc(headerBytes + padded + vectors.byteLength + 4);
  saved.copy(file, 0, 0, headerBytes);
  file.writeUInt32LE(json.length, 24);
  json.copy(file, headerBytes);
  Buffer.from(vectors.buffer).copy(file, headerBytes + padded);
  file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
  return file;
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
    ["a null document", [null, { id: "b", text: "x" }], /documents\.0: /],
    ["a document without text", [{ id: "a" }, { id: "b", text: "x" }], /documents\.0\.text/],
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

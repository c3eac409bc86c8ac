import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Document } from "@hybrid-rag/core";
import { expectErrorCode, HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex } from "./vector-index.ts";

const documents: Document[] = [
  { id: "a", title: "Tides", text: "The moon pulls the oceans, a distinctive phrase zebra." },
  { id: "b", text: "Solar panels on roofs." },
];
const embedder = new HashingEmbedder(64);
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "vectors-external-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("save with storeDocuments: false", () => {
  it("writes ids only and loads the same documents (the same objects) from a shared store", async () => {
    const index = createVectorIndex({ embedder });
    await index.upsert(documents);
    const path = join(directory, "ids-only.hrvi");
    await index.save(path, { storeDocuments: false });
    expect((await readFile(path)).includes(Buffer.from("distinctive phrase"))).toBe(false);
    const store = new Map(documents.map((document) => [document.id, document]));
    const loaded = await loadVectorIndex(path, { embedder, documents: store });
    const before = await index.retrieve("moon zebra", { topK: 5 });
    const after = await loaded.retrieve("moon zebra", { topK: 5 });
    expect(after).toEqual(before);
    expect(after[0]!.document).toBe(documents[0]);
  });

  it("asks for the store when it is missing, and names a document the store lacks", async () => {
    const index = createVectorIndex({ embedder });
    await index.upsert(documents);
    const path = join(directory, "needs-store.hrvi");
    await index.save(path, { storeDocuments: false });
    await expectErrorCode(loadVectorIndex(path, { embedder }), "invalid-argument");
    await expect(
      loadVectorIndex(path, { embedder, documents: new Map([["a", documents[0]!]]) }),
    ).rejects.toThrow(/\("b"\) is not in the given document store/);
  });
});

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HybridRagError } from "@hybrid-rag/core";
import { contractCorpus, expectErrorCode, HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex } from "./vector-index.ts";
import { assembleFile, splitFile, versionOneFile } from "./vector-index-file.test.helper.ts";
import { vectorIndexFormatVersion } from "./vector-index-file.ts";

describe("vector index files", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "vector-index-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function savedIndex(metric: "cosine" | "dot" | "l2" = "dot") {
    const embedder = new HashingEmbedder(64);
    const index = createVectorIndex({ embedder, metric, name: "saved" });
    await index.upsert(contractCorpus);
    await index.delete(["wind"]);
    const path = join(directory, `${metric}.hrvi`);
    await index.save(path);
    return { index, embedder, path };
  }

  it("round-trips documents, vectors, metric and name", async () => {
    for (const metric of ["cosine", "dot", "l2"] as const) {
      const { index, embedder, path } = await savedIndex(metric);
      const loaded = await loadVectorIndex(path, { embedder });
      expect(loaded.name).toBe("saved");
      expect(loaded.metric).toBe(metric);
      expect(await loaded.count()).toBe(await index.count());
      for (const query of ["electricity prices", "quick brown fox", "東京の天気"]) {
        expect(await loaded.retrieve(query, { topK: 10 })).toEqual(
          await index.retrieve(query, { topK: 10 }),
        );
      }
      await loaded.upsert([{ id: "new", text: "after loading" }]);
      expect(await loaded.count()).toBe((await index.count()) + 1);
    }
  });

  it("refuses damaged, truncated, foreign and future-version files", async () => {
    const { embedder, path } = await savedIndex();
    const bytes = await readFile(path);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 10]! ^= 0xff;
    const cases: Array<[Buffer, "corrupt-data" | "unsupported"]> = [
      [flipped, "corrupt-data"],
      [bytes.subarray(0, bytes.length - 7), "corrupt-data"],
      [Buffer.from("not an index at all, just text"), "corrupt-data"],
    ];
    const future = Buffer.from(bytes);
    future.writeUInt32LE(99, 8);
    cases.push([future, "unsupported"]);
    for (const [content, code] of cases) {
      const bad = join(directory, "bad.hrvi");
      await writeFile(bad, content);
      await expectErrorCode(loadVectorIndex(bad, { embedder }), code);
    }
    await expectErrorCode(
      loadVectorIndex(join(directory, "missing.hrvi"), { embedder }),
      "not-found",
    );
  });

  it("round-trips a dimension that is not a multiple of 8 (rows padded in memory, packed on disk)", async () => {
    const embedder = new HashingEmbedder(13);
    for (const quantization of ["none", "int8"] as const) {
      const index = createVectorIndex({
        embedder,
        metric: "l2",
        quantization,
        rescoreCandidates: 1,
      });
      await index.upsert(contractCorpus);
      await index.delete([contractCorpus[0]!.id]);
      const path = join(directory, `odd-${quantization}.hrvi`);
      await index.save(path);
      expect((await readFile(path)).length % 4).toBe(0);
      const loaded = await loadVectorIndex(path, { embedder, quantization, rescoreCandidates: 1 });
      for (const query of ["electricity prices", "quick brown fox"]) {
        expect(await loaded.retrieve(query, { topK: 5 })).toEqual(
          await index.retrieve(query, { topK: 5 }),
        );
      }
    }
    const parts = splitFile(await readFile(join(directory, "odd-none.hrvi")));
    parts.vectors[13 * 2 + 12] = Number.NEGATIVE_INFINITY;
    await writeFile(join(directory, "odd-bad.hrvi"), assembleFile(parts));
    const error = await loadVectorIndex(join(directory, "odd-bad.hrvi"), { embedder }).then(
      () => undefined,
      (caught: unknown) => caught as HybridRagError,
    );
    expect(error?.code).toBe("corrupt-data");
    const { id } = parts.records[2] as { id: string };
    expect(error?.message).toContain(
      `the vector of document ${JSON.stringify(id)} has -Infinity at position 12`,
    );
  });

  it("round-trips an empty index", async () => {
    const embedder = new HashingEmbedder(16);
    const path = join(directory, "empty.hrvi");
    await createVectorIndex({ embedder, quantization: "int8" }).save(path);
    const loaded = await loadVectorIndex(path, { embedder, quantization: "int8" });
    expect(await loaded.count()).toBe(0);
    await loaded.upsert([{ id: "a", text: "first after loading" }]);
    expect((await loaded.retrieve("first", { topK: 1 })).map((hit) => hit.id)).toEqual(["a"]);
  });

  it("still loads version-1 files (with documents, or ids and a shared store)", async () => {
    const embedder = new HashingEmbedder(4);
    const documents = [
      { id: "a", text: "first" },
      { id: "b", text: "second", metadata: { year: 2020 } },
    ];
    const vectors = Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0);
    const withDocuments = join(directory, "v1.hrvi");
    await writeFile(
      withDocuments,
      versionOneFile({
        metric: 1,
        dimension: 4,
        metadata: { name: "old", embedder: embedder.name, documents },
        vectors,
      }),
    );
    const loaded = await loadVectorIndex(withDocuments, { embedder });
    expect(loaded.name).toBe("old");
    expect(loaded.metric).toBe("dot");
    const hits = loaded.searchByVector(Float32Array.of(0, 1, 0, 0), { topK: 1 });
    expect(hits.map((hit) => [hit.id, hit.score, hit.document])).toEqual([["b", 1, documents[1]]]);
    const idsOnly = join(directory, "v1-ids.hrvi");
    await writeFile(
      idsOnly,
      versionOneFile({
        metric: 1,
        dimension: 4,
        metadata: { name: "old", embedder: embedder.name, ids: ["a", "b"] },
        vectors,
      }),
    );
    const store = new Map(documents.map((document) => [document.id, document]));
    expect(await (await loadVectorIndex(idsOnly, { embedder, documents: store })).count()).toBe(2);
    // Re-saving writes the current version.
    await loaded.save(withDocuments);
    expect((await readFile(withDocuments)).readUInt32LE(8)).toBe(vectorIndexFormatVersion);
    const damaged = versionOneFile({
      metric: 1,
      dimension: 4,
      metadata: { name: "old", embedder: embedder.name, documents },
      vectors,
    });
    damaged[damaged.length - 6]! ^= 0x10;
    await writeFile(withDocuments, damaged);
    await expectErrorCode(loadVectorIndex(withDocuments, { embedder }), "corrupt-data");
  });

  it("makes writes issued during a save wait for it, so the file is one consistent state", async () => {
    const embedder = new HashingEmbedder(64);
    const index = createVectorIndex({ embedder });
    await index.upsert(contractCorpus);
    const path = join(directory, "concurrent.hrvi");
    const saving = index.save(path);
    const writes = Promise.all([
      index.upsert([{ id: "late", text: "written during the save" }]),
      index.delete([contractCorpus[1]!.id]),
    ]);
    await Promise.all([saving, writes]);
    const loaded = await loadVectorIndex(path, { embedder });
    expect(await loaded.count()).toBe(contractCorpus.length);
    await index.save(path);
    const again = await loadVectorIndex(path, { embedder });
    expect(await again.count()).toBe(contractCorpus.length);
  });

  it("refuses an embedder of another dimension, name or metric", async () => {
    const { path } = await savedIndex();
    await expectErrorCode(
      loadVectorIndex(path, { embedder: new HashingEmbedder(32) }),
      "invalid-argument",
    );
    const renamed = Object.assign(new HashingEmbedder(64), { name: "other" });
    await expectErrorCode(loadVectorIndex(path, { embedder: renamed }), "invalid-argument");
    await expectErrorCode(
      loadVectorIndex(path, { embedder: new HashingEmbedder(64), metric: "cosine" }),
      "invalid-argument",
    );
  });
});

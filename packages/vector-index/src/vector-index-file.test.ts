import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contractCorpus, expectErrorCode, HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex } from "./vector-index.ts";

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

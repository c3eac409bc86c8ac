import { appendFile, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Embedder } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCachedEmbedder } from "./embedding-cache.ts";

let directory = "";
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "embedding-cache-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A HashingEmbedder that counts the passages it really embeds. */
function counting(): Embedder & { embedded: number } {
  const inner = new HashingEmbedder(16);
  const wrapper = {
    name: inner.name,
    dimension: inner.dimension,
    embedded: 0,
    embedQueries: (texts: readonly string[]) => inner.embedQueries(texts),
    async embedPassages(texts: readonly string[]) {
      wrapper.embedded += texts.length;
      return inner.embedPassages(texts);
    },
  };
  return wrapper;
}

describe("createCachedEmbedder", () => {
  it("embeds each passage once across instances, and returns the same vectors", async () => {
    const first = counting();
    const cached = await createCachedEmbedder(first, { directory, modelKey: "model-a" });
    const texts = ["alpha beta", "gamma", "alpha beta", "delta"];
    const vectors = await cached.embedPassages(texts);
    expect(first.embedded).toBe(4);
    const second = counting();
    const reopened = await createCachedEmbedder(second, { directory, modelKey: "model-a" });
    const again = await reopened.embedPassages(texts);
    expect(second.embedded).toBe(0);
    expect(again.map((vector) => [...vector])).toEqual(vectors.map((vector) => [...vector]));
    expect(reopened.counts()).toEqual({ hits: 4, misses: 0 });
    const other = counting();
    await (await createCachedEmbedder(other, { directory, modelKey: "model-b" })).embedPassages(
      texts,
    );
    expect(other.embedded).toBe(4);
  });

  it("cuts a torn last record (an interrupted run) and keeps the whole ones", async () => {
    const embedder = counting();
    const cached = await createCachedEmbedder(embedder, { directory, modelKey: "torn" });
    await cached.embedPassages(["one", "two"]);
    const size = (await stat(cached.file)).size;
    await appendFile(cached.file, Buffer.alloc(7, 1));
    const next = counting();
    const reopened = await createCachedEmbedder(next, { directory, modelKey: "torn" });
    expect((await stat(cached.file)).size).toBe(size);
    await reopened.embedPassages(["one", "two", "three"]);
    expect(next.embedded).toBe(1);
  });

  it("never caches queries", async () => {
    const embedder = counting();
    const cached = await createCachedEmbedder(embedder, { directory, modelKey: "queries" });
    await cached.embedQueries(["q"]);
    expect(cached.counts()).toEqual({ hits: 0, misses: 0 });
  });
});

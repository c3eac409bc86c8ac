import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "./use-lite-embedder.ts";
import { createUseLiteEmbedderPool } from "./use-lite-embedder-pool.ts";
import { loadUseLiteTokenizer } from "./use-lite-tokenizer.ts";

const sentences = [
  "Photovoltaic cells convert sunlight into electric power.",
  "The tides follow the moon's pull on the oceans.",
  "Vitamin D deficiency is common in northern latitudes.",
  "Chess openings are studied for centuries.",
];
// 20 texts of 1 to 20 sentences: several lengths, so tasks hold texts of different sizes.
const texts = Array.from({ length: 20 }, (_, index) =>
  Array.from({ length: index + 1 }, (_, sentence) => sentences[(index + sentence) % 4]).join(" "),
);

let single: UseLiteEmbedder;
beforeAll(async () => {
  single = await createUseLiteEmbedder();
}, 60_000);
afterAll(() => single?.release());

describe("createUseLiteEmbedderPool", () => {
  it("returns the single embedder's vectors, in input order, from two workers", async () => {
    // Tasks of 3 texts: the 20 texts go out as 7 tasks over both workers.
    const pool = await createUseLiteEmbedderPool({ workers: 2, maxBatchSize: 3 });
    try {
      expect(pool).toMatchObject({ name: "use-lite", dimension: 512, workers: 2 });
      expect(pool.details).toMatchObject({ backend: "wasm", sha256: single.model.sha256 });
      const expected = await single.embedPassages(texts);
      const vectors = await pool.embedPassages(texts);
      // A text's vector depends on its batch only through float rounding (the kernels sum in
      // another order for another batch shape), as it does for the single embedder across calls.
      let worst = 0;
      for (const [index, vector] of vectors.entries()) {
        for (const [dimension, value] of vector.entries()) {
          worst = Math.max(worst, Math.abs(value - expected[index]![dimension]!));
        }
      }
      expect(vectors).toHaveLength(texts.length);
      expect(worst).toBeLessThan(1e-6);
      // In input order: each vector is nearest to its own text's single-embedder vector.
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
      for (const [index, vector] of vectors.entries()) {
        expect(dot(vector, expected[index]!)).toBeGreaterThan(1 - 1e-5);
      }
    } finally {
      await pool.release();
    }
  }, 120_000);

  it("counts tokens without loading the graph, as the embedder counts them", async () => {
    const tokenizer = await loadUseLiteTokenizer({ maxTokens: 8 });
    const text = "one two three four five six seven eight nine ten";
    expect(tokenizer.countTokens(text)).toBe(8);
    expect(tokenizer.countTokens("café")).toBe(single.countTokens("café"));
    expect(tokenizer.countTokens("")).toBe(single.countTokens(""));
  });

  it("rejects bad options before starting a worker", async () => {
    await expect(createUseLiteEmbedderPool({ maxTokens: 0 })).rejects.toMatchObject({
      code: "invalid-argument",
    });
    await expect(createUseLiteEmbedderPool({ workers: 0 })).rejects.toMatchObject({
      code: "invalid-argument",
    });
  });
});

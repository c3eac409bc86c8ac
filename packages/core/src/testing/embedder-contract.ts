import { describe, expect, it } from "vitest";
import type { Embedder } from "../embedder.ts";
import { expectErrorCode } from "./expect-error.ts";

export interface EmbedderContractOptions {
  readonly create: () => Promise<Embedder>;
  readonly name?: string;
  readonly timeoutMs?: number;
}

const texts = ["solar panels and sunlight", "Café crème brûlée", "東京の天気", ""];

/** The behaviour every Embedder must have. */
export function runEmbedderContract(options: EmbedderContractOptions): void {
  const timeout = options.timeoutMs ?? 20_000;
  describe(`Embedder contract${options.name ? `: ${options.name}` : ""}`, () => {
    it("returns one finite vector of `dimension` per input, in order", { timeout }, async () => {
      const embedder = await options.create();
      expect(Number.isInteger(embedder.dimension) && embedder.dimension > 0).toBe(true);
      for (const embed of [embedder.embedQueries, embedder.embedPassages]) {
        const vectors = await embed.call(embedder, texts);
        expect(vectors).toHaveLength(texts.length);
        for (const vector of vectors) {
          expect(vector).toBeInstanceOf(Float32Array);
          expect(vector.length).toBe(embedder.dimension);
          expect(vector.every(Number.isFinite)).toBe(true);
        }
      }
    });

    it("is deterministic and independent of batch composition", { timeout }, async () => {
      const embedder = await options.create();
      const batch = await embedder.embedPassages(texts);
      const single = await embedder.embedPassages([texts[1]!]);
      expectClose(single[0]!, batch[1]!);
      const again = await embedder.embedPassages(texts);
      for (const [index, vector] of batch.entries()) expectClose(again[index]!, vector);
    });

    it("returns [] for no input", { timeout }, async () => {
      const embedder = await options.create();
      expect(await embedder.embedQueries([])).toEqual([]);
      expect(await embedder.embedPassages([])).toEqual([]);
    });

    it("rejects with aborted when the signal has fired", { timeout }, async () => {
      const embedder = await options.create();
      const controller = new AbortController();
      controller.abort();
      await expectErrorCode(embedder.embedQueries(["x"], { signal: controller.signal }), "aborted");
    });

    it("rejects non-string input with invalid-argument", { timeout }, async () => {
      const embedder = await options.create();
      await expectErrorCode(embedder.embedPassages([42 as unknown as string]), "invalid-argument");
    });
  });
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(1e-4);
  }
}

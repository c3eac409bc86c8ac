import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "./use-lite-embedder.ts";
import { useLiteTokenCounter } from "./use-lite-token-counter.ts";

let reference: UseLiteEmbedder;

beforeAll(async () => {
  // Cut at 4096 tokens: the whole-text count of every text below.
  reference = await createUseLiteEmbedder({ maxTokens: 4096 });
}, 60_000);
afterAll(() => reference.release());

const prose = Array.from(
  { length: 40 },
  (_, index) =>
    `Paragraph ${index}: the zirconium calibration constant, measured twice  (7.31 mV), naïve café ${"reconfiguration ".repeat(index % 4)}—done.\n`,
).join("");

describe("useLiteTokenCounter", () => {
  it("counts a long text in small windows exactly as the tokenizer counts it whole", () => {
    // maxTokens 64: windows of 63 characters, so the text is cut about a hundred times.
    const counter = useLiteTokenCounter({
      name: "use-lite",
      maxTokens: 64,
      countTokens: (text) => reference.countTokens(text),
    });
    expect(prose.length).toBeGreaterThan(3000);
    expect(reference.countTokens(prose)).toBeLessThan(4096);
    expect(counter.count(prose)).toBe(reference.countTokens(prose));
    for (const slice of [prose.slice(0, 63), prose.slice(17, 300), prose.slice(5, 2000)]) {
      expect(counter.count(slice)).toBe(reference.countTokens(slice));
    }
    expect(counter.count("")).toBe(0);
    expect(counter.name).toBe("tokenizer of use-lite");
  });

  it("counts past the embedder's maxTokens (chunking needs the whole count)", async () => {
    const embedder = await createUseLiteEmbedder({ maxTokens: 32 });
    try {
      const counter = useLiteTokenCounter(embedder);
      expect(embedder.countTokens(prose)).toBe(32);
      expect(counter.count(prose)).toBe(reference.countTokens(prose));
    } finally {
      embedder.release();
    }
  }, 60_000);

  it("cuts a run without spaces inside a word, counting at most one token more per cut", () => {
    const counter = useLiteTokenCounter({
      name: "use-lite",
      maxTokens: 64,
      countTokens: (text) => reference.countTokens(text),
    });
    const run = "ab12cd34".repeat(100);
    const cuts = Math.ceil(run.length / 63) - 1;
    const whole = reference.countTokens(run);
    expect(counter.count(run)).toBeGreaterThanOrEqual(whole);
    expect(counter.count(run)).toBeLessThanOrEqual(whole + cuts);
  });
});

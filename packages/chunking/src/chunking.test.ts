import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import type { LoadedDocument } from "@hybrid-rag/loaders";
import { TextBuilder } from "@hybrid-rag/loaders";
import { createTinyBertModel, readSciFactSample } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChunker } from "./chunk-document.ts";
import { approximateTokenCounter, loadTokenCounter, type TokenCounter } from "./token-counter.ts";

let modelDirectory: string;
let bert: TokenCounter;

beforeAll(async () => {
  modelDirectory = await mkdtemp(join(tmpdir(), "chunking-"));
  await createTinyBertModel(modelDirectory, { kind: "bi-encoder" });
  bert = await loadTokenCounter(modelDirectory);
}, 60_000);

afterAll(async () => {
  await rm(modelDirectory, { recursive: true, force: true });
});

function longDocument(): LoadedDocument {
  const builder = new TextBuilder();
  builder.heading(1, "Handbook");
  builder.paragraph("A short introduction to the handbook.");
  for (let section = 1; section <= 3; section++) {
    builder.heading(2, `Chapter ${section}`);
    for (let paragraph = 0; paragraph < 6; paragraph++) {
      const sentences = Array.from(
        { length: 5 },
        (_, sentence) =>
          `Chapter ${section} paragraph ${paragraph} sentence ${sentence} explains calibration of instruments in detail.`,
      );
      builder.paragraph(sentences.join(" "));
    }
    builder.heading(3, `Notes ${section}`);
    builder.paragraph(`${"supercalifragilisticexpialidocious".repeat(30)} end of notes.`);
  }
  const { text, headings } = builder.build();
  return {
    kind: "document",
    id: "handbook.md",
    source: "/docs/handbook.md",
    format: "md",
    title: "Handbook",
    text,
    headings,
    pages: [],
  };
}

describe("createChunker", () => {
  it("cuts exact slices of the parent within the token limit of the real tokenizer, covering all text", () => {
    const document = longDocument();
    const { chunks, oversized } = createChunker({
      maxTokens: 64,
      overlapTokens: 16,
      tokenCounter: bert,
      modelMaxTokens: 64,
    }).chunk(document);
    expect(chunks.length).toBeGreaterThan(10);
    expect(oversized).toEqual([]);
    const covered = new Uint8Array(document.text.length);
    for (const chunk of chunks) {
      const { start, end } = chunk.metadata;
      expect(chunk.text).toBe(document.text.slice(start, end));
      expect(bert.count(chunk.text)).toBeLessThanOrEqual(64);
      expect(chunk.metadata.tokens).toBe(bert.count(chunk.text));
      expect(chunk.metadata.parentId).toBe("handbook.md");
      expect(chunk.metadata.source).toBe("/docs/handbook.md");
      covered.fill(1, start, end);
    }
    for (let i = 0; i < document.text.length; i++) {
      if (!/\s/.test(document.text[i]!))
        expect(covered[i], `character ${i} is in no chunk`).toBe(1);
    }
  });

  it("never crosses a heading and records the heading path", () => {
    const document = longDocument();
    const { chunks } = createChunker({
      maxTokens: 64,
      overlapTokens: 16,
      tokenCounter: bert,
    }).chunk(document);
    for (const chunk of chunks) {
      const inside = document.headings.filter(
        (h) => h.start > chunk.metadata.start && h.start < chunk.metadata.end,
      );
      expect(inside).toEqual([]);
    }
    const notes = chunks.find(
      (c) => c.text.includes("end of notes") && c.metadata.headingPath.includes("Notes 2"),
    );
    expect(notes?.metadata.headingPath).toEqual(["Handbook", "Chapter 2", "Notes 2"]);
    expect(chunks[0]!.metadata.headingPath).toEqual(["Handbook"]);
  });

  it("overlaps consecutive chunks of a section by at most overlapTokens, and always moves forward", () => {
    const document = longDocument();
    const { chunks } = createChunker({
      maxTokens: 64,
      overlapTokens: 24,
      tokenCounter: bert,
    }).chunk(document);
    let overlaps = 0;
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!.metadata;
      const current = chunks[i]!.metadata;
      expect(current.start).toBeGreaterThan(previous.start);
      expect(current.end).toBeGreaterThan(previous.end);
      if (current.start < previous.end) {
        overlaps++;
        expect(bert.count(document.text.slice(current.start, previous.end))).toBeLessThanOrEqual(
          24,
        );
      }
    }
    expect(overlaps).toBeGreaterThan(3);
  });

  it("gives the same ids and spans for the same text (stable ids)", () => {
    const chunker = createChunker({ maxTokens: 48 });
    const first = chunker.chunk(longDocument()).chunks;
    const second = chunker.chunk(longDocument()).chunks;
    expect(second.map((c) => [c.id, c.metadata.start, c.metadata.end])).toEqual(
      first.map((c) => [c.id, c.metadata.start, c.metadata.end]),
    );
    expect(first[3]!.id).toBe("handbook.md#3");
  });

  it("maps chunks to the PDF pages they span", () => {
    const builder = new TextBuilder();
    for (let page = 1; page <= 4; page++)
      builder.page(page, `Page ${page}. ${"Words on the page. ".repeat(20)}`);
    const { text, pages } = builder.build();
    const document: LoadedDocument = {
      kind: "document",
      id: "a.pdf",
      source: "a.pdf",
      format: "pdf",
      text,
      headings: [],
      pages,
    };
    const { chunks } = createChunker({ maxTokens: 40, overlapTokens: 0 }).chunk(document);
    for (const chunk of chunks) {
      const { pageStart, pageEnd, start, end } = chunk.metadata;
      const first = pages.find((p) => p.number === pageStart)!;
      const last = pages.find((p) => p.number === pageEnd)!;
      expect(start).toBeGreaterThanOrEqual(first.start);
      expect(end).toBeLessThanOrEqual(last.end);
    }
    expect(chunks.at(-1)!.metadata.pageEnd).toBe(4);
  });

  it("reports chunks over the model limit instead of cutting them", () => {
    const text = "word ".repeat(200).trim();
    const { chunks, oversized } = createChunker({
      maxTokens: 100,
      overlapTokens: 0,
      modelMaxTokens: 50,
    }).chunk({ id: "w", text });
    expect(chunks).toHaveLength(2);
    expect(oversized.map((c) => c.id)).toEqual(["w#0", "w#1"]);
    expect(chunks.map((c) => c.text).join(" ")).toBe(text);
  });

  it("rejects invalid options with the offending value", () => {
    expect(() => createChunker({ maxTokens: 64, overlapTokens: 40 })).toThrow(
      /overlapTokens must be at most half/,
    );
    expect(() => createChunker({ maxTokens: 2 })).toThrow(/maxTokens/);
  });

  it("says which folder lacks a tokenizer", async () => {
    await expectErrorCode(loadTokenCounter(join(modelDirectory, "missing")), "not-found");
  });
});

describe("approximateTokenCounter", () => {
  it("leans high against bert-base-uncased on 500 SciFact abstracts", async () => {
    const documents = await readSciFactSample(500);
    let approximate = 0;
    let real = 0;
    const ratios: number[] = [];
    for (const { text } of documents) {
      const a = approximateTokenCounter.count(text);
      const b = bert.count(text);
      approximate += a;
      real += b;
      ratios.push(a / b);
    }
    ratios.sort((x, y) => x - y);
    expect(approximate / real).toBeGreaterThanOrEqual(1);
    expect(approximate / real).toBeLessThan(1.15);
    expect(ratios[Math.floor(ratios.length * 0.05)]).toBeGreaterThanOrEqual(0.92);
  });
});

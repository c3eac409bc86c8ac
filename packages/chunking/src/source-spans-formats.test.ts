import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoadedDocument, loadFolder } from "@hybrid-rag/loaders";
import {
  createTestDocx,
  createTestEpub,
  createTestOdt,
  createTestPptx,
  readZipEntry,
} from "@hybrid-rag/loaders/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Chunk } from "./chunk.ts";
import { createChunker } from "./chunk-document.ts";

// Chunk-level spans for the formats whose blocks are not plain text of the file: zipped XML
// (docx, pptx, odt, epub: offsets into an archive entry's XML), CSV/TSV rows, JSON records and
// reStructuredText. Every chunk's span is sliced out of the original (the entry's bytes) and
// read back under the normalisation the chunking README documents for its format.

const longSentences = (topic: string, count: number) =>
  Array.from(
    { length: count },
    (_, i) => `${topic} sentence ${i + 1} tells how the harbour works, café & “quays” 🌊 included.`,
  ).join(" ");

const rst = `=============
 Tide tables
=============

Introduction
============

The *tide* rises **twice** a day; see \`the almanac <https://example.org>\`_
and the \`\`tide-table\`\` command. ${longSentences("Tidal", 4)}

- Spring tides follow a new moon, when the range is the largest of the month.
- Neap tides follow a quarter
  moon, a week later, when the range is the smallest.

.. note:: Check the gauge before sailing, every morning and every evening.

   The gauge is at the harbour mouth, beside the green light and the fuel dock.

Reading a table
---------------

Each row is one high water, read from the port's own almanac::

    06:12  4.1 m   spring
    18:40  3.9 m   spring
`;

const json = `[
  {"id": "faq-1", "title": "Showers", "text": "Showers are by the office.\\nCode: 1234 \\u00e9t\\u00e9, ask at the \\"desk\\" for towels. ${longSentences("Shower", 3)}"},
  {"id": "faq-2", "text": "Wi-Fi reaches the outer pontoons \\ud83c\\udf0a and the fuel dock; the password is on the notice board by the door. ${longSentences("Network", 2)}"}
]`;

const csv = [
  "berth,length,notes",
  `A1,12 m,"near the fuel dock, deep water, ${longSentences("Berth", 2)}"`,
  `B2,9 m,"a ""quiet"" berth
by the wall, ${longSentences("Wall", 2)}"`,
  `C3,  15 m  ,plain notes without quotes that run long enough to be cut into several chunks`,
].join("\r\n");

const tsv = [
  "port\thigh water\tremarks",
  `Brest\t06:12\t${longSentences("Brest", 2)}`,
  `Roscoff\t06:40\t"quoted\tremark, ${longSentences("Roscoff", 1)}"`,
].join("\n");

let folder: string;
let tableFolder: string;
const documents = new Map<string, LoadedDocument>();

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "source-spans-formats-"));
  tableFolder = await mkdtemp(join(tmpdir(), "source-spans-table-"));
  await writeFile(
    join(folder, "handbook.docx"),
    await createTestDocx({
      title: "Harbour handbook",
      paragraphs: [
        { text: "Harbour handbook", style: "Title" },
        { text: "Mooring & fees", style: "Heading1" },
        `Boats moor at the east quay. Fees are paid at the office & the kiosk <daily>. ${longSentences("Mooring", 4)}`,
        { text: "Fuel", style: "Heading2" },
        `Diesel\tis sold by the litre.\nPetrol is not sold. ${longSentences("Fuel", 3)}`,
      ],
      table: [
        ["Berth", "Length and notes"],
        ["A1", `12 m <max>, ${longSentences("Table", 2)}`],
      ],
    }),
  );
  await writeFile(
    join(folder, "briefing.pptx"),
    await createTestPptx({
      title: "Crew briefing",
      slides: [
        {
          title: "Safety first",
          body: [
            `Life jackets on deck & ${longSentences("Safety", 2)}`,
            "Radio check at 08:00\ncall sign Osprey",
          ],
          notes: `Mention the new flares <red>. ${longSentences("Notes", 2)}`,
        },
        { title: "Route", body: [`Out past the lighthouse & back. ${longSentences("Route", 3)}`] },
      ],
    }),
  );
  await writeFile(
    join(folder, "minutes.odt"),
    await createTestOdt({
      title: "Club minutes",
      blocks: [
        { text: "Club minutes", level: 1 },
        `The committee met on Tuesday.  Twelve members\tattended. ${longSentences("Committee", 3)}`,
        { text: "Regatta", level: 2 },
        `The regatta moves to June <provisionally>\nif the harbour agrees. ${longSentences("Regatta", 3)}`,
      ],
    }),
  );
  await writeFile(
    join(folder, "pilot.epub"),
    await createTestEpub({
      title: "Coastal pilot",
      chapters: [
        {
          body: `<h1>Approaches</h1>
<p>Enter between the <em>red</em> and green buoys &amp; keep to starboard, caf&#233; on the left. ${longSentences("Approach", 3)}</p>
<div>Loose text in a division, ${longSentences("Loose", 1)}<p>A paragraph inside it. ${longSentences("Inner", 2)}</p>trailing words</div>`,
        },
        {
          body: `<section><h2>Anchorages</h2><ul><li>North bay: sand, ${longSentences("North", 1)}</li><li>South bay: weed<br/>poor holding, ${longSentences("South", 1)}</li></ul></section>`,
        },
      ],
    }),
  );
  await writeFile(join(folder, "tides.rst"), rst);
  await writeFile(join(folder, "faq.json"), json);
  await writeFile(join(folder, "berths.csv"), csv);
  await writeFile(join(tableFolder, "ports.tsv"), tsv);
  for await (const result of loadFolder(folder)) {
    if (result.kind === "document") documents.set(result.id, result);
  }
  for await (const result of loadFolder(tableFolder, { csv: { passage: "table" } })) {
    if (result.kind === "document") documents.set(result.id, result);
  }
}, 60_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(tableFolder, { recursive: true, force: true });
});

function squash(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function decodeReferences(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, name: string) => {
    if (name[0] === "#") {
      const hex = name[1] === "x" || name[1] === "X";
      return String.fromCodePoint(Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[name.toLowerCase()] ?? "";
  });
}

/**
 * The chunking README's normalisation for zipped XML: markup removed (a block element's end and
 * a tab, break or space element read as whitespace; only text elements' text kept where the
 * vocabulary has them), character references decoded. A span inside a block starts and ends on
 * text, so the slice's leading and trailing text belong to a text element.
 */
const readXml: Record<string, (slice: string) => string> = {
  docx: (slice) =>
    decodeReferences(
      `<w:t>${slice}</w:t>`
        .replace(/<w:tabs>[\s\S]*?<\/w:tabs>/g, "")
        .replace(
          /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>|<\/w:p>|<[^>]+>|[^<]+/g,
          (match, text: string | undefined) =>
            text ?? (/^<(w:tab|w:br|\/w:p)/.test(match) ? " " : ""),
        ),
    ),
  pptx: (slice) =>
    decodeReferences(
      `<a:t>${slice}</a:t>`.replace(
        /<a:t>([^<]*)<\/a:t>|<a:p>|<a:br\/>|<\/p:sp>|<[^>]+>|[^<]+/g,
        (match, text: string | undefined) =>
          text ?? (/^<(a:p|a:br|\/p:sp)>?/.test(match) ? " " : ""),
      ),
    ),
  odt: (slice) =>
    decodeReferences(
      slice.replace(
        /<text:s text:c="(\d+)"\/>|<text:tab\/>|<text:line-break\/>|<\/text:[ph]>|<[^>]+>/g,
        (match) => (/^<(text:s|text:tab|text:line-break|\/text:)/.test(match) ? " " : ""),
      ),
    ),
  epub: (slice) =>
    decodeReferences(
      slice
        .replace(/<br\s*\/?>|<\/?(?:p|div|h[1-6]|li|ul|ol|section)\b[^>]*>/g, " ")
        .replace(/<[^>]+>/g, ""),
    ),
};

function lineOf(original: string, offset: number): number {
  return original.slice(0, offset).split(/\r\n|\n|\r/).length;
}

function chunksOf(document: LoadedDocument, maxTokens: number): Chunk[] {
  return createChunker({ maxTokens, overlapTokens: 2 }).chunk(document).chunks;
}

/** The documents of one format. */
function ofFormat(format: string): LoadedDocument[] {
  const found = [...documents.values()].filter((document) => document.format === format);
  expect(found.length, `${format} documents`).toBeGreaterThan(0);
  return found;
}

/** The chunk's text up to the end of the entry it starts in (a span's offsets count in one entry). */
function textInFirstEntry(document: LoadedDocument, chunk: Chunk): string {
  const { start, end } = chunk.metadata;
  const segments = document.segments ?? [];
  const entry = chunk.metadata.sourceEntry;
  const lastInEntry = segments.filter((s) => s.entry === entry && s.start < end).at(-1);
  return document.text.slice(start, Math.min(end, lastInEntry?.end ?? end));
}

/** The original the chunk's offsets point into: the archive entry, or the file (decoded as UTF-8). */
async function originalOf(document: LoadedDocument, entry: string | null) {
  const file = await readFile(document.source);
  const bytes = Buffer.from(entry === null ? file : await readZipEntry(file, entry));
  return { bytes, text: new TextDecoder("utf-8", { ignoreBOM: entry !== null }).decode(bytes) };
}

/** True when some chunk starts inside a block (not at its first character): the chunk-level case. */
function startsInsideBlock(document: LoadedDocument, chunk: Chunk): boolean {
  return (document.segments ?? []).some(
    (s) => s.start < chunk.metadata.start && chunk.metadata.start < s.end,
  );
}

describe("every format: a chunk's span in the original is its own passage, not its block", () => {
  for (const format of ["docx", "pptx", "odt", "epub"] as const) {
    it(`${format}: the entry's XML at the span reads as the chunk's text (bytes and characters)`, async () => {
      let inside = 0;
      for (const document of ofFormat(format)) {
        for (const maxTokens of [8, 13, 400]) {
          for (const chunk of chunksOf(document, maxTokens)) {
            const meta = chunk.metadata;
            expect(meta.sourceEntry, chunk.id).not.toBeNull();
            expect(meta.sourceLineStart).toBeNull();
            const original = await originalOf(document, meta.sourceEntry);
            const slice = original.text.slice(meta.sourceCharStart!, meta.sourceCharEnd!);
            expect(
              original.bytes.subarray(meta.sourceByteStart!, meta.sourceByteEnd!).toString("utf8"),
            ).toBe(slice);
            expect(squash(readXml[format]!(slice)), `${chunk.id} at ${maxTokens}: ${slice}`).toBe(
              squash(textInFirstEntry(document, chunk)),
            );
            if (startsInsideBlock(document, chunk)) inside++;
          }
        }
      }
      expect(inside, "chunks that start inside a block").toBeGreaterThan(3);
    });
  }

  it("csv and tsv (a passage per row, and per table): the file at the span holds the chunk's values", async () => {
    let inside = 0;
    for (const document of ofFormat("csv")) {
      const tab = document.source.endsWith(".tsv");
      const delimiter = tab ? "\t" : ",";
      const columns = tab ? ["port", "high water", "remarks"] : ["berth", "length", "notes"];
      const label = new RegExp(`(^|\\n)(?:${columns.join("|")}):(?: |$)`, "g");
      // CSV syntax read away on both sides: quote marks dropped, a delimiter read as a space.
      const unquote = (text: string) => squash(text.replaceAll('"', "").replaceAll(delimiter, " "));
      const original = await originalOf(document, null);
      for (const maxTokens of [8, 13, 400]) {
        for (const chunk of chunksOf(document, maxTokens)) {
          const meta = chunk.metadata;
          const slice = original.text.slice(meta.sourceCharStart!, meta.sourceCharEnd!);
          expect(
            original.bytes.subarray(meta.sourceByteStart!, meta.sourceByteEnd!).toString("utf8"),
          ).toBe(slice);
          expect(unquote(slice), `${chunk.id} at ${maxTokens}: ${slice}`).toBe(
            unquote(chunk.text.replace(label, "$1")),
          );
          expect(meta.sourceLineStart).toBe(lineOf(original.text, meta.sourceCharStart!));
          expect(meta.sourceLineEnd).toBe(lineOf(original.text, meta.sourceCharEnd! - 1));
          if (startsInsideBlock(document, chunk)) inside++;
        }
      }
    }
    expect(inside).toBeGreaterThan(3);
  });

  it("json: the span is the chunk's part of the text's string literal (escapes decoded, exactly)", async () => {
    let inside = 0;
    for (const document of ofFormat("json")) {
      const original = await originalOf(document, null);
      for (const maxTokens of [8, 13, 400]) {
        for (const chunk of chunksOf(document, maxTokens)) {
          const meta = chunk.metadata;
          const slice = original.text.slice(meta.sourceCharStart!, meta.sourceCharEnd!);
          expect(
            original.bytes.subarray(meta.sourceByteStart!, meta.sourceByteEnd!).toString("utf8"),
          ).toBe(slice);
          // At the text's start or end the span takes the literal's quote.
          const inner = slice.slice(
            meta.start === 0 ? 1 : 0,
            meta.end === document.text.length ? -1 : undefined,
          );
          expect(JSON.parse(`"${inner}"`), `${chunk.id} at ${maxTokens}: ${slice}`).toBe(
            chunk.text,
          );
          expect(meta.sourceLineStart).toBe(lineOf(original.text, meta.sourceCharStart!));
          if (meta.start > 0) inside++;
        }
      }
    }
    expect(inside).toBeGreaterThan(3);
  });

  it("rst: a span holds the chunk's characters in order and starts and ends on them inside blocks", async () => {
    const [document] = ofFormat("rst");
    const original = await originalOf(document!, null);
    const blockStarts = new Set(document!.segments!.map((segment) => segment.start));
    const blockEnds = new Set(document!.segments!.map((segment) => segment.end));
    let inside = 0;
    for (const maxTokens of [8, 13, 400]) {
      for (const chunk of chunksOf(document!, maxTokens)) {
        const meta = chunk.metadata;
        const slice = original.text.slice(meta.sourceCharStart!, meta.sourceCharEnd!);
        let at = 0;
        for (const char of chunk.text.replace(/\s+/g, "")) {
          at = slice.indexOf(char, at);
          expect(at, `${chunk.id}: "${char}" in "${slice}"`).toBeGreaterThanOrEqual(0);
          at += char.length;
        }
        if (!blockStarts.has(meta.start)) {
          expect(slice[0], `${chunk.id}: ${slice}`).toBe(chunk.text[0]);
          inside++;
        }
        if (!blockEnds.has(meta.end)) expect(slice.at(-1), `${chunk.id}`).toBe(chunk.text.at(-1));
        expect(meta.sourceLineStart).toBe(lineOf(original.text, meta.sourceCharStart!));
        expect(meta.sourceLineEnd).toBe(lineOf(original.text, meta.sourceCharEnd! - 1));
      }
    }
    expect(inside).toBeGreaterThan(3);
  });
});

import { readFile } from "node:fs/promises";
import { parseHTML } from "linkedom";
import Papa from "papaparse";
import { expect } from "vitest";
import { defaultBudgets } from "./load-budgets.ts";
import type { LoadedDocument, SourceSegment } from "./loaded-document.ts";
import { rstParagraphText } from "./rst-inline.ts";
import { ZipArchive } from "./zip-archive.ts";

/** The whitespace rule every loader's blocks follow (TextBuilder's). */
export function normalized(text: string): string {
  return text
    .replace(/[ \t\r\f\v]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
}

function xmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, name: string) => {
    if (name[0] === "#") {
      return String.fromCodePoint(
        name[1] === "x" || name[1] === "X"
          ? Number.parseInt(name.slice(2), 16)
          : Number(name.slice(1)),
      );
    }
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[name.toLowerCase()] ?? "";
  });
}

/** What a slice's extraction needs besides the slice: a CSV's columns and separator, an rst file's literal blocks. */
export interface SliceContext {
  readonly header?: readonly string[];
  readonly delimiter?: string;
  readonly literal?: readonly string[];
}

/**
 * Each format's extraction of a slice of its source, written here independently of the loaders
 * (regular expressions over the XML, linkedom for XHTML, Papa Parse for a CSV row, JSON.parse).
 */
export const extractSlice: Record<string, (slice: string, context: SliceContext) => string> = {
  docx: (slice) =>
    xmlEntities(
      slice
        .replace(/<w:tabs>[\s\S]*?<\/w:tabs>/g, "")
        .replace(
          /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>|<[^>]+>|[^<]+/g,
          (match, text) =>
            text !== undefined
              ? text
              : match === "<w:tab/>"
                ? "\t"
                : match === "<w:br/>"
                  ? "\n"
                  : "",
        ),
    ),
  pptx: (slice) =>
    xmlEntities(
      slice.replace(/<a:t>([^<]*)<\/a:t>|<a:p>|<a:br\/>|<[^>]+>|[^<]+/g, (match, text) =>
        text !== undefined ? text : match === "<a:p>" || match === "<a:br/>" ? "\n" : "",
      ),
    ),
  odt: (slice) =>
    xmlEntities(
      slice.replace(
        /<text:s text:c="(\d+)"\/>|<text:tab\/>|<text:line-break\/>|<[^>]+>/g,
        (match, count) =>
          count !== undefined
            ? " ".repeat(Number(count))
            : match === "<text:tab/>"
              ? "\t"
              : match === "<text:line-break/>"
                ? "\n"
                : "",
      ),
    ),
  epub: (slice) =>
    parseHTML(`<!doctype html><html><body>${slice.replace(/<br\s*\/?>/g, "\n")}</body></html>`)
      .document.body.textContent ?? "",
  csv: (slice, context) => {
    const header = context.header;
    const [fields] = Papa.parse<string[]>(slice, { delimiter: context.delimiter ?? "," }).data;
    return (fields ?? [])
      .map((value, index) => [header?.[index] ?? "", value.trim()] as const)
      .filter(([, value]) => value !== "")
      .map(([name, value]) => `${name}: ${value}`)
      .join("\n");
  },
  json: (slice) => JSON.parse(slice) as string,
  rst: (slice) => rstParagraphText(slice),
};

/**
 * For every segment of `document`: its slice of the original (the file, or its archive entry)
 * extracts to exactly the block's text, and its byte range holds the same characters.
 */
export async function expectSegmentsPointIntoSource(
  document: LoadedDocument,
  context: SliceContext = {},
): Promise<number> {
  const segments = document.segments ?? [];
  expect(segments.length, `${document.id} has segments`).toBeGreaterThan(0);
  const file = await readFile(document.source);
  const archive = segments.some((s) => s.entry !== undefined)
    ? await ZipArchive.open(file, defaultBudgets, document.format)
    : undefined;
  const originals = new Map<string, { text: string; bytes: Buffer }>();
  const original = async (segment: SourceSegment) => {
    const entry = segment.entry ?? "";
    if (!originals.has(entry)) {
      const bytes = archive ? Buffer.from(await archive.bytes(entry)) : file;
      const text = archive
        ? new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)
        : new TextDecoder("utf-8").decode(bytes);
      originals.set(entry, { text, bytes });
    }
    return originals.get(entry)!;
  };
  try {
    for (const segment of segments) {
      const { text, bytes } = await original(segment);
      const slice = text.slice(segment.charStart, segment.charEnd);
      const block = document.text.slice(segment.start, segment.end);
      const literal = context.literal?.some((line) => block.includes(line)) ?? false;
      const extracted = literal ? slice : extractSlice[document.format]!(slice, context);
      const normalise = document.format === "json" ? (t: string) => t : normalized;
      expect(
        normalise(extracted),
        `${document.id} ${segment.entry ?? ""} [${segment.charStart}, ${segment.charEnd})`,
      ).toBe(block);
      expect(bytes.subarray(segment.byteStart, segment.byteEnd).toString("utf8")).toBe(slice);
    }
  } finally {
    archive?.close();
  }
  return segments.length;
}

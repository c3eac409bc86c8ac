import { basename, extname } from "node:path";
import { documentIdSchema } from "@hybrid-rag/core";
import Papa from "papaparse";
import { csvRowPieces } from "./csv-row-pieces.ts";
import type { CsvOptions } from "./format-options.ts";
import type { LoadedDocument, LoadResult } from "./loaded-document.ts";
import { Refusal } from "./refusal.ts";
import { type SourceEncoding, sourceSegments } from "./source-segments.ts";
import { type BuiltSegment, TextBuilder } from "./text-builder.ts";

const candidateDelimiters = [",", ";", "\t", "|"];

/** One data row: its fields and its span in the decoded file (without the line break after it). */
export interface CsvRow {
  readonly fields: readonly string[];
  readonly charStart: number;
  readonly charEnd: number;
}

/**
 * A CSV or TSV file through Papa Parse (RFC 4180 quoting, fields over several lines), the first
 * row naming the columns. A row's text is one `column: value` line per non-empty field, so a
 * value is found with the name of what it is. With `passage: "row"` every row is a document
 * (`<file id>#<n>`, or the `idColumn` value) that carries its `line`; with `"table"` the file is
 * one document of one block per row. Every block records its span in the decoded file, and each
 * value its own (see `csvRowPieces`).
 */
export function parseCsv(
  id: string,
  source: string,
  content: string,
  encoding: SourceEncoding,
  options: CsvOptions,
): LoadResult[] {
  const delimiter = options.delimiter ?? guessDelimiter(source, content);
  const rows = csvRows(content, delimiter);
  const header = rows.shift();
  if (header === undefined) return [];
  const columns = header.fields.map((name, index) => name.trim() || `column ${index + 1}`);
  const fileTitle = basename(source, extname(source));
  // A row's text placed field by field in the file (the plain text when a row cannot be placed).
  const rowText = (row: CsvRow) =>
    csvRowPieces(columns, row, content, delimiter) ?? csvRowText(columns, row.fields);
  const rowSpan = (row: CsvRow) => ({ charStart: row.charStart, charEnd: row.charEnd });
  if (options.passage === "table") {
    const builder = new TextBuilder();
    for (const row of rows) builder.paragraph(rowText(row), rowSpan(row));
    const { text, segments } = builder.build();
    return [
      {
        kind: "document",
        id,
        source,
        format: "csv",
        text,
        title: fileTitle,
        headings: [],
        pages: [],
        segments: sourceSegments(segments, content, encoding, true),
      },
    ];
  }
  const column = (name: string | undefined, what: string) => {
    if (name === undefined) return undefined;
    const index = columns.indexOf(name);
    if (index === -1) {
      throw new Refusal(
        "invalid-record",
        `no "${name}" column for the ${what} (the columns are ${columns.map((c) => `"${c}"`).join(", ")}); fix the ${what} column option`,
      );
    }
    return index;
  };
  const idIndex = column(options.idColumn, "id");
  const titleIndex = column(options.titleColumn, "title");
  const built: BuiltSegment[] = [];
  const texts: string[] = [];
  for (const row of rows) {
    const builder = new TextBuilder();
    builder.paragraph(rowText(row), rowSpan(row));
    const { text, segments } = builder.build();
    texts.push(text);
    built.push(segments[0] ?? { start: 0, end: 0, charStart: row.charStart, charEnd: row.charEnd });
  }
  const located = sourceSegments(built, content, encoding, true);
  const results: LoadResult[] = [];
  for (const [index, row] of rows.entries()) {
    const number = index + 1;
    const segment = located[index]!;
    const where = `${source}:${segment.lineStart}`;
    const text = texts[index]!;
    if (text.length === 0) continue;
    const rowId = idIndex === undefined ? `${id}#${number}` : (row.fields[idIndex] ?? "").trim();
    const validId = documentIdSchema.safeParse(rowId);
    if (!validId.success) {
      results.push({
        kind: "skipped",
        source: where,
        code: "invalid-record",
        reason: `row ${number}'s id ${JSON.stringify(rowId)} is not a valid document id (non-empty, no control characters, at most 512 UTF-8 bytes)`,
      });
      continue;
    }
    const title = titleIndex === undefined ? fileTitle : row.fields[titleIndex]?.trim();
    const document: LoadedDocument = {
      kind: "document",
      id: rowId,
      source,
      format: "csv",
      text,
      ...(title ? { title } : {}),
      headings: [],
      pages: [],
      segments: segment.end > 0 ? [segment] : [],
      line: segment.lineStart ?? 1,
    };
    results.push(document);
  }
  return results;
}

/** The rows of a CSV text with their spans; empty lines are not rows. */
export function csvRows(content: string, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let previous = 0;
  Papa.parse<string[]>(content, {
    delimiter,
    step: (result) => {
      const start = previous;
      previous = result.meta.cursor;
      const raw = content.slice(start, result.meta.cursor);
      const terminator = /\r\n$|\n$|\r$/.exec(raw)?.[0].length ?? 0;
      if (result.data.length === 1 && result.data[0] === "") return;
      rows.push({
        fields: result.data,
        charStart: start,
        charEnd: result.meta.cursor - terminator,
      });
    },
  });
  return rows;
}

/** A row as text: `column: value` per non-empty field, one per line. */
export function csvRowText(columns: readonly string[], fields: readonly string[]): string {
  return fields
    .map((value, index) => [columns[index] ?? `column ${index + 1}`, value.trim()] as const)
    .filter(([, value]) => value.length > 0)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
}

function guessDelimiter(source: string, content: string): string {
  if (extname(source).toLowerCase() === ".tsv") return "\t";
  const firstLine = content.slice(0, content.search(/\r?\n|$/)).replace(/"[^"]*"/g, "");
  let best = ",";
  let bestCount = 0;
  for (const candidate of candidateDelimiters) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

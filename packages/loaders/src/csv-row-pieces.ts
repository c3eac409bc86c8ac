import type { CsvRow } from "./load-csv.ts";
import type { SourcedPiece } from "./text-builder.ts";
import { isWhitespace } from "./tracked-whitespace.ts";

interface FieldSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * A row's text (`csvRowText`: one `column: value` line per non-empty field) placed in the file:
 * each value's characters are verbatim pieces at their place in the row (a quoted value's
 * doubled quote `""` is a piece that points at both), the `column: ` labels and the line breaks
 * between fields are text the file does not have, placed where their field starts. A chunk that
 * starts or ends inside a row then maps to its own values, not the whole row. Undefined when the
 * row's fields as scanned here are not the ones Papa Parse read (the row's own span still holds).
 */
export function csvRowPieces(
  columns: readonly string[],
  row: CsvRow,
  content: string,
  delimiter: string,
): SourcedPiece[] | undefined {
  const spans = fieldSpans(content, row.charStart, row.charEnd, delimiter);
  if (spans.length !== row.fields.length) return undefined;
  const pieces: SourcedPiece[] = [];
  for (const [index, span] of spans.entries()) {
    const field = decodeField(content, span);
    if (field.text !== row.fields[index]) return undefined;
    let from = 0;
    let to = field.text.length;
    while (from < to && isWhitespace(field.text.charCodeAt(from))) from++;
    while (to > from && isWhitespace(field.text.charCodeAt(to - 1))) to--;
    if (from === to) continue;
    const label = `${pieces.length > 0 ? "\n" : ""}${columns[index] ?? `column ${index + 1}`}: `;
    pieces.push({ text: label, charStart: span.start, charEnd: span.start, verbatim: false });
    pieces.push(...cut(field.pieces, from, to));
  }
  return pieces;
}

/** The fields of a row `[start, end)` (RFC 4180: a field starting with `"` runs to its closing quote). */
function fieldSpans(content: string, start: number, end: number, delimiter: string): FieldSpan[] {
  const spans: FieldSpan[] = [];
  let at = start;
  for (;;) {
    let scanFrom = at;
    if (content.charCodeAt(at) === 0x22 /* " */ && at < end) {
      let quote = content.indexOf('"', at + 1);
      while (quote !== -1 && quote < end && content.charCodeAt(quote + 1) === 0x22) {
        quote = content.indexOf('"', quote + 2);
      }
      scanFrom = quote === -1 || quote >= end ? end : quote + 1;
    }
    const next = content.indexOf(delimiter, scanFrom);
    const fieldEnd = next === -1 || next >= end ? end : next;
    spans.push({ start: at, end: fieldEnd });
    if (fieldEnd >= end) return spans;
    at = fieldEnd + delimiter.length;
  }
}

/** A field's value and its pieces: a quoted field's quotes dropped and each `""` read as `"`. */
function decodeField(content: string, span: FieldSpan): { text: string; pieces: SourcedPiece[] } {
  const raw = content.slice(span.start, span.end);
  if (!raw.startsWith('"')) return { text: raw, pieces: [{ text: raw, charStart: span.start }] };
  const closing = raw.lastIndexOf('"');
  const inner = closing > 0 ? raw.slice(1, closing) : raw.slice(1);
  const pieces: SourcedPiece[] = [];
  let from = 0;
  for (let quote = inner.indexOf('""'); quote !== -1; quote = inner.indexOf('""', from)) {
    if (quote > from)
      pieces.push({ text: inner.slice(from, quote), charStart: span.start + 1 + from });
    const at = span.start + 1 + quote;
    pieces.push({ text: '"', charStart: at, charEnd: at + 2, verbatim: false });
    from = quote + 2;
  }
  if (from < inner.length)
    pieces.push({ text: inner.slice(from), charStart: span.start + 1 + from });
  return { text: pieces.map((piece) => piece.text).join(""), pieces };
}

/** The pieces of text `[from, to)` of a field. */
function cut(pieces: readonly SourcedPiece[], from: number, to: number): SourcedPiece[] {
  const kept: SourcedPiece[] = [];
  let at = 0;
  for (const piece of pieces) {
    const start = Math.max(from, at);
    const end = Math.min(to, at + piece.text.length);
    if (start < end) {
      const text = piece.text.slice(start - at, end - at);
      kept.push(
        piece.verbatim === false
          ? { ...piece, text }
          : { text, charStart: piece.charStart + start - at },
      );
    }
    at += piece.text.length;
  }
  return kept;
}

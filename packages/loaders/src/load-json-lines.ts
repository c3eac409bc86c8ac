import { documentRecordSchema, type RecordMetadata, recordIdOf } from "./json-lines-record.ts";
import { keepFirstOfEachId } from "./keep-first-of-each-id.ts";
import { resolveBudgets } from "./load-budgets.ts";
import type { LoadResult, SourceFormat } from "./loaded-document.ts";
import { readBoundedLines } from "./read-bounded-lines.ts";
import { encodedLength } from "./source-locator.ts";

export interface LoadJsonLinesOptions {
  /** "jsonl" (default) or "beir" (a BEIR corpus.jsonl). */
  readonly format?: Extract<SourceFormat, "jsonl" | "beir">;
  /** A line longer than this is skipped without being held in memory (default 32 MiB). */
  readonly maxLineBytes?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Streams a JSON Lines file, one document per line (never the whole file, nor more than one
 * line, in memory). A UTF-8 byte-order mark is dropped; a line that is too long, not UTF-8, not
 * JSON or not a record (see the id rule) is yielded as skipped with `file:line` and the problem.
 * A later record with an id already read is skipped: the first one wins.
 */
export async function* loadJsonLines(
  path: string,
  options: LoadJsonLinesOptions = {},
): AsyncGenerator<LoadResult> {
  const { maxLineBytes } = resolveBudgets(
    options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes },
  );
  yield* keepFirstOfEachId(readJsonLines(path, options.format ?? "jsonl", maxLineBytes));
}

/** `loadJsonLines` without the duplicate rule (a folder load applies it across all its files). */
export async function* readJsonLines(
  path: string,
  format: Extract<SourceFormat, "jsonl" | "beir">,
  maxLineBytes: number,
): AsyncGenerator<LoadResult> {
  for await (const line of readBoundedLines(path, maxLineBytes)) {
    const where = `${path}:${line.number}`;
    if ("tooLong" in line) {
      yield {
        kind: "skipped",
        source: where,
        code: "over-budget",
        reason: `a line of ${line.byteLength} bytes, over the ${maxLineBytes}-byte budget for one record (raise maxLineBytes, or split the record)`,
      };
      continue;
    }
    let bytes = line.bytes;
    if (line.number === 1) {
      if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
        yield {
          kind: "skipped",
          source: path,
          code: "encoding",
          reason: "a UTF-16 JSON Lines file (JSON Lines are UTF-8); re-save it as UTF-8",
        };
        return;
      }
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      yield {
        kind: "skipped",
        source: where,
        code: "invalid-record",
        reason: "not valid UTF-8 (JSON Lines are UTF-8)",
      };
      continue;
    }
    if (text.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield {
        kind: "skipped",
        source: where,
        code: "invalid-record",
        reason: `not valid JSON (${(error as Error).message})`,
      };
      continue;
    }
    const parsed = documentRecordSchema.safeParse(value);
    if (!parsed.success) {
      const problem = parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "record"}: ${issue.message}`)
        .join("; ");
      yield {
        kind: "skipped",
        source: where,
        code: "invalid-record",
        reason: `not a document record (${problem})`,
      };
      continue;
    }
    const record = parsed.data;
    const bytesOfText = encodedLength(record.text, 0, record.text.length, "utf-8");
    // The text is kept as written: a record is already plain text, and its offsets are the user's.
    yield {
      kind: "document",
      id: recordIdOf(record),
      source: path,
      line: line.number,
      format,
      text: record.text,
      ...(record.title ? { title: record.title } : {}),
      ...(record.metadata && Object.keys(record.metadata).length > 0
        ? { metadata: record.metadata as RecordMetadata }
        : {}),
      headings: [],
      pages: [],
      // The original of a record's text is its `text` field on its line: offsets into the field
      // (its characters, its UTF-8 bytes), the line for lines (the field's "\\n" are not file lines).
      segments: [
        {
          start: 0,
          end: record.text.length,
          charStart: 0,
          charEnd: record.text.length,
          byteStart: 0,
          byteEnd: bytesOfText,
          lineStart: line.number,
          lineEnd: line.number,
          verbatim: [{ start: 0, length: record.text.length, charStart: 0, byteStart: 0 }],
        },
      ],
      encoding: "utf-8",
    };
  }
}

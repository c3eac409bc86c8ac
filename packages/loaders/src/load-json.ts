import { type Node, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import type { JsonRecordOptions } from "./format-options.ts";
import { documentRecordSchema, type RecordMetadata, recordIdOf } from "./json-lines-record.ts";
import { jsonStringRuns } from "./json-string-runs.ts";
import type { LoadResult, SourceSegment } from "./loaded-document.ts";
import { Refusal } from "./refusal.ts";
import { type SourceEncoding, sourceSegments } from "./source-segments.ts";

/**
 * A JSON file of records: an array of objects, or an object whose values are the records (the
 * key is the id when a record has none), or one record. Parsed with Microsoft's jsonc-parser
 * (strict JSON: no comments, no trailing commas) for the source span of every value. The record
 * fields follow JSON Lines' rule (`_id`/`id`, `text`, `title`, `metadata`; the names are
 * configurable); the text is kept as written, and its segment is the span of its JSON string, so
 * `JSON.parse` of that slice is the text; the string's characters written as they read (not
 * escapes) are its verbatim runs, so a chunk's span is its own part of the string.
 */
export function parseJsonRecords(
  id: string,
  source: string,
  content: string,
  encoding: SourceEncoding,
  options: JsonRecordOptions,
): LoadResult[] {
  const errors: ParseError[] = [];
  const root = parseTree(content, errors, { disallowComments: true, allowTrailingComma: false });
  const error = errors[0];
  if (root === undefined || error !== undefined) {
    const at = error?.offset ?? 0;
    throw new Refusal(
      "unreadable",
      `not valid JSON: ${error ? printParseErrorCode(error.error) : "no value"} at character ${at}`,
    );
  }
  const textField = options.textField ?? "text";
  const records = recordNodes(root, textField);
  // Values come from the native parser (fast); the tree only says where each one is written.
  const parsedRoot: unknown = JSON.parse(content);
  const results: LoadResult[] = [];
  // Each text's runs as written in its string literal: a chunk maps to its own characters.
  const literals = records.map(({ node }) => {
    const text = propertyNode(node, textField);
    return text?.type === "string" ? jsonStringRuns(content, text.offset, text.length) : undefined;
  });
  const located = sourceSegments(
    records.map(({ node }, index) => {
      const text = propertyNode(node, textField);
      const at = text ?? node;
      const literal = literals[index];
      return {
        start: 0,
        end: literal?.decodedLength ?? 0,
        charStart: at.offset,
        charEnd: at.offset + at.length,
        ...(literal ? { verbatim: literal.runs } : {}),
      };
    }),
    content,
    encoding,
    true,
  );
  for (const [index, { node, key }] of records.entries()) {
    const segment = located[index]!;
    const where = `${source}:${segment.lineStart}`;
    const parsed = recordValue(parsedRoot, root, index, key);
    const fields = recordFields(node.type === "object" ? parsed : undefined, options, textField);
    const checked = documentRecordSchema.safeParse({
      ...fields,
      ...(fields._id === undefined && fields.id === undefined
        ? {
            id: key ?? (root.type === "object" && records.length === 1 ? id : `${id}#${index + 1}`),
          }
        : {}),
    });
    if (!checked.success) {
      const problem = checked.error.issues
        .map((issue) => `${issue.path.join(".") || "record"}: ${issue.message}`)
        .join("; ");
      results.push({
        kind: "skipped",
        source: where,
        code: "invalid-record",
        reason: `record ${key === undefined ? index + 1 : JSON.stringify(key)} is not a document record (${problem}); the text field is "${textField}" (set json.textField for another)`,
      });
      continue;
    }
    const record = checked.data;
    results.push({
      kind: "document",
      id: recordIdOf(record),
      source,
      format: "json",
      text: record.text,
      ...(record.title ? { title: record.title } : {}),
      ...(record.metadata && Object.keys(record.metadata).length > 0
        ? { metadata: record.metadata as RecordMetadata }
        : {}),
      headings: [],
      pages: [],
      // Runs only where the literal decodes to the text kept (its length agrees).
      segments: [
        segment.end === record.text.length
          ? segment
          : { ...withoutRuns(segment), end: record.text.length },
      ],
      line: segment.lineStart ?? 1,
    });
  }
  return results;
}

/**
 * The records and, for an object of records, their keys. A file with no object where records
 * should be (a configuration file, a list of numbers) is refused once, not record by record.
 */
function recordNodes(root: Node, textField: string): { node: Node; key?: string }[] {
  const notRecords = (what: string) =>
    new Refusal(
      "invalid-record",
      `${what}, not records (an array of objects, an object of records, or one record with a "${textField}" field; set json.textField for another)`,
    );
  if (root.type === "array") {
    const elements = root.children ?? [];
    if (elements.length > 0 && !elements.some((node) => node.type === "object")) {
      throw notRecords("a JSON array without objects");
    }
    return elements.map((node) => ({ node }));
  }
  if (root.type !== "object") throw notRecords(`a JSON ${root.type}`);
  if (propertyNode(root, textField) !== undefined) return [{ node: root }];
  const records = (root.children ?? []).flatMap((property) => {
    const [key, value] = property.children ?? [];
    return value === undefined ? [] : [{ node: value, key: String(key?.value) }];
  });
  if (records.length > 0 && !records.some(({ node }) => node.type === "object")) {
    throw notRecords("a JSON object whose values are not objects");
  }
  return records;
}

function propertyNode(node: Node, name: string): Node | undefined {
  if (node.type !== "object") return undefined;
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key?.value === name) return value;
  }
  return undefined;
}

/** The parsed value of record `index` (an array element, the value under `key`, or the root itself). */
function recordValue(
  parsedRoot: unknown,
  root: Node,
  index: number,
  key: string | undefined,
): unknown {
  if (root.type === "array") return (parsedRoot as unknown[])[index];
  if (key === undefined) return parsedRoot;
  return (parsedRoot as Record<string, unknown>)[key];
}

/** The record's fields under JSON Lines' names (values as parsed; the schema checks them). */
function recordFields(
  record: unknown,
  options: JsonRecordOptions,
  textField: string,
): Record<string, unknown> {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    return { text: undefined };
  }
  const fields = record as Record<string, unknown>;
  const value = (name: string) => (Object.hasOwn(fields, name) ? fields[name] : undefined);
  return {
    ...(options.idField === undefined
      ? { _id: value("_id"), id: value("id") }
      : { id: value(options.idField) }),
    text: value(textField),
    title: value(options.titleField ?? "title"),
    metadata: value("metadata"),
  };
}

function withoutRuns(segment: SourceSegment): SourceSegment {
  const { verbatim: _, ...rest } = segment;
  return rest;
}

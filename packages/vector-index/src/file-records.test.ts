import { documentSchema } from "@hybrid-rag/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkDocumentRecords,
  decodeRecords,
  encodeRecords,
  isPlainDocument,
} from "./file-records.ts";

const problem = (message: string) => new Error(message);

describe("JSON-lines records", () => {
  it("round-trip any JSON values, whatever the encode and decode chunk sizes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 64 }),
        (records, perChunk, chunkBytes) => {
          const bytes = Buffer.concat(encodeRecords(records, perChunk));
          const decoded = decodeRecords(bytes, records.length, problem, chunkBytes);
          // JSON has no -0: it comes back as 0.
          expect(decoded).toEqual(JSON.parse(JSON.stringify(records)));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it("keep strings with newlines, quotes and non-ASCII text on one line each", () => {
    const records = [{ text: 'two\nlines\r\n"quoted" \u2028 東京' }, "\n", ""];
    const bytes = Buffer.concat(encodeRecords(records));
    expect(bytes.toString("utf8").split("\n")).toHaveLength(4);
    expect(decodeRecords(bytes, 3, problem, 5)).toEqual(records);
  });

  it.each([
    ['{"a":1}\n{"b":\n', 2, /record 1 is not JSON/],
    ['{"a":1}\n{"b":2}', 2, /does not end with a newline/],
    ["1\n2\n3\n", 2, /more than the 2 records/],
    ["1\n2\n", 3, /holds 2 records, its header announces 3/],
  ])("refuse %j announced as %i records", (text, count, why) => {
    expect(() => decodeRecords(Buffer.from(text), count, problem, 3)).toThrow(why);
  });
});

describe("checkDocumentRecords", () => {
  it("names the first invalid document and its field", () => {
    expect(checkDocumentRecords([{ id: "a", text: "x" }])).toBeUndefined();
    expect(
      checkDocumentRecords([
        { id: "a", text: "x" },
        { id: "", text: "y" },
      ]),
    ).toMatch(/^document 1 is not valid: id: /);
    expect(checkDocumentRecords([{ id: "a", text: "x", extra: 1 }])).toMatch(/^document 0/);
  });
});

describe("isPlainDocument (the fast path in front of core's documentSchema)", () => {
  const idLike = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "grapheme", maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.constantFrom("", "a\u0000b", "x\u007f", "\ud800", "😀", "a".repeat(171), "é".repeat(300)),
  );
  const metadataLike = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.string(), fc.jsonValue()),
    fc.dictionary(fc.string(), fc.anything()),
    fc.constantFrom(
      { n: Number.POSITIVE_INFINITY },
      { n: [Number.NaN] },
      JSON.parse('{"__proto__":1}'),
    ),
  );
  const documentLike = fc.oneof(
    fc.record(
      {
        id: idLike,
        text: fc.oneof(fc.string(), fc.anything()),
        title: fc.anything(),
        metadata: metadataLike,
      },
      { requiredKeys: [] },
    ),
    fc.record({ id: idLike, text: fc.string(), metadata: metadataLike }),
    fc.anything(),
  );

  it("never accepts what documentSchema refuses", () => {
    fc.assert(
      fc.property(documentLike, (value) => {
        if (isPlainDocument(value)) expect(documentSchema.safeParse(value).success).toBe(true);
      }),
      { numRuns: 3000, seed: 16 },
    );
  });

  it("accepts ordinary documents, so they skip the schema", () => {
    expect(
      isPlainDocument({
        id: "doc-1",
        text: "x",
        title: "t",
        metadata: { a: [1, "b", null, { c: true }] },
      }),
    ).toBe(true);
    expect(isPlainDocument(JSON.parse('{"id":"a","text":"","metadata":{"n":1e999}}'))).toBe(false);
  });
});

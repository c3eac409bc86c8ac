import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvertedIndex } from "./inverted-index.ts";
import { PostingsCursor, postingsPerBlock } from "./postings-codec.ts";
import { summarizeRegion } from "./postings-region.ts";
import { Searcher } from "./search.ts";

/** Postings with increasing documents (gaps up to 2^21, so 1- to 4-byte deltas) and frequencies. */
const postingsArbitrary = fc
  .array(
    fc.tuple(
      fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 ** 21 })),
      fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 70_000 })),
    ),
    { minLength: 1, maxLength: 3 * postingsPerBlock + 5 },
  )
  .map((pairs) => {
    let document = -1;
    return pairs.map(([gap, frequency]) => {
      document += gap;
      return { document, frequency };
    });
  });

function indexWith(postings: ReadonlyArray<{ document: number; frequency: number }>) {
  const index = new InvertedIndex();
  const term = index.termNumber("t");
  index.termNumber("other");
  for (const { document, frequency } of postings) {
    index.appendPosting(term, document, frequency);
    // Another term growing alongside moves regions around in the pool.
    index.appendPosting(1, document, 1);
  }
  const start = index.postingStarts[term]!;
  return { index, start, end: start + index.postingSizes[term]! };
}

describe("compressed postings", () => {
  it("decode to what was appended, across blocks and region moves", () => {
    fc.assert(
      fc.property(postingsArbitrary, (postings) => {
        const { index, start, end } = indexWith(postings);
        const cursor = new PostingsCursor();
        cursor.reset(index.pool, start, end);
        const decoded: Array<{ document: number; frequency: number }> = [];
        while (cursor.next())
          decoded.push({ document: cursor.document, frequency: cursor.frequency });
        expect(decoded).toEqual(postings);
        const summary = summarizeRegion(index.pool, start, end, 2 ** 30);
        expect(summary).toMatchObject({
          count: postings.length,
          lastDocument: postings.at(-1)!.document,
          maxFrequency: Math.max(...postings.map((posting) => posting.frequency)),
        });
      }),
      { numRuns: 200 },
    );
  });

  it("advanceTo lands on the first document at or after each target, skipping blocks", () => {
    fc.assert(
      fc.property(
        postingsArbitrary,
        // Half the targets are documents of the list (block ends included), half anything.
        fc.array(fc.tuple(fc.boolean(), fc.nat(2 ** 22)), { maxLength: 40 }),
        (postings, picks) => {
          const { index, start, end } = indexWith(postings);
          const cursor = new PostingsCursor();
          cursor.reset(index.pool, start, end);
          const targets = picks.map(([existing, value]) =>
            existing ? postings[value % postings.length]!.document : value,
          );
          for (const target of targets.sort((a, b) => a - b)) {
            const expected = postings.find((posting) => posting.document >= target);
            expect(cursor.advanceTo(target)).toBe(expected !== undefined);
            if (!expected) break;
            expect([cursor.document, cursor.frequency]).toEqual([
              expected.document,
              expected.frequency,
            ]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("take one byte for a small gap with frequency 1", () => {
    const postings = Array.from({ length: 1000 }, (_, document) => ({ document, frequency: 1 }));
    const { start, end } = indexWith(postings);
    const blocks = Math.ceil(1000 / postingsPerBlock);
    expect(end - start).toBe(1000 + blocks * 8);
  });

  it("regions read from a file are checked: a wrong header or an out-of-range document fails", () => {
    const postings = Array.from({ length: 300 }, (_, i) => ({
      document: i * 3,
      frequency: 1 + (i % 4),
    }));
    const { index, start, end } = indexWith(postings);
    expect(typeof summarizeRegion(index.pool, start, end, 900)).toBe("object");
    expect(summarizeRegion(index.pool, start, end, 897)).toBe("a document number is out of range");
    const wrongLast = index.pool.slice();
    wrongLast[start + 4] = wrongLast[start + 4]! ^ 1;
    expect(summarizeRegion(wrongLast, start, end, 900)).toBe(
      "a block header does not match its postings",
    );
    const wrongLength = index.pool.slice();
    wrongLength[start] = wrongLength[start]! + 1;
    expect(typeof summarizeRegion(wrongLength, start, end, 900)).toBe("string");
    expect(summarizeRegion(index.pool, start, end - 1, 900)).toMatch(/past/);
  });
});

describe("pruning with multi-block postings never changes results", () => {
  it("MaxScore top-k equals exhaustive scoring when terms span several blocks", () => {
    let prunedRuns = 0;
    const word = fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h");
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(word, fc.constantFrom("a", "b")), { maxLength: 12 }), {
          minLength: postingsPerBlock,
          maxLength: 4 * postingsPerBlock,
        }),
        fc.array(word, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.nat(4 * postingsPerBlock), { maxLength: 30 }),
        (documents, query, topK, deletions) => {
          const index = new InvertedIndex();
          for (const [i, tokens] of documents.entries()) {
            index.add({ id: `d${i}`, text: tokens.join(" ") }, tokens);
          }
          for (const number of deletions) {
            if (number < documents.length) index.remove(number, documents[number]!);
          }
          if (deletions.length > 15) index.compact();
          const searcher = new Searcher();
          const request = { tokens: query, topK, k1: 1.2, b: 0.75 };
          const pruned = searcher.search(index, request);
          if (searcher.pruned) prunedRuns++;
          expect(pruned).toEqual(searcher.search(index, { ...request, exhaustive: true }));
        },
      ),
      { numRuns: 60 },
    );
    expect(prunedRuns, "runs that exercised pruning").toBeGreaterThan(5);
  });
});

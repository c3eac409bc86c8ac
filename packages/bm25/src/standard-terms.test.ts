import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { standardAnalyzer } from "./analyzers.ts";
import { InvertedIndex } from "./inverted-index.ts";
import { forEachStandardTerm } from "./standard-terms.ts";

/** The terms `forEachStandardTerm` reports, as strings, through an index's term numbering. */
function termsOf(index: InvertedIndex, text: string): string[] {
  const terms: string[] = [];
  forEachStandardTerm(text, index, (term) => terms.push(index.termAt(term)));
  return terms;
}

describe("forEachStandardTerm (indexing without a string per token)", () => {
  it("reports exactly standardAnalyzer's tokens, in order, for new and known terms", () => {
    // One index for all runs, so later texts hit terms added by earlier ones (and the table grows).
    const index = new InvertedIndex();
    const alphabet = "abAB1_.',:; \té東ΣİÅ🙂";
    const text = fc.oneof(
      fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((parts) => parts.join("")),
      fc
        .array(fc.constantFrom("Zo", "zo", "ZO", "x9", "Q"), { maxLength: 150 })
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(text, (value) => {
        expect(termsOf(index, value)).toEqual(standardAnalyzer.analyze(value));
      }),
      { numRuns: 3000 },
    );
  });

  it("gives every distinct term one number across thousands of terms", () => {
    const index = new InvertedIndex();
    const words = Array.from({ length: 20_000 }, (_, number) => `W${number.toString(36)}`);
    const first = termsOf(index, words.join(" "));
    const again = termsOf(index, words.join(" ").toLowerCase());
    expect(again).toEqual(first);
    expect(index.termCount).toBe(words.length);
    expect(new Set(index.termStrings()).size).toBe(words.length);
  });

  it("finds terms added as strings (as loading a saved index does)", () => {
    const index = new InvertedIndex();
    const loaded = ["hello", "world", "é東"].map((term) => index.termNumber(term));
    expect(termsOf(index, "HELLO World é東 new")).toEqual(["hello", "world", "é", "東", "new"]);
    expect(loaded).toEqual([0, 1, 2]);
    expect(index.termStrings()).toEqual(["hello", "world", "é東", "é", "東", "new"]);
  });

  it("splits ASCII tokens longer than 255 code units as Lucene does", () => {
    const index = new InvertedIndex();
    const text = `${"X".repeat(600)} ok`;
    expect(termsOf(index, text)).toEqual(standardAnalyzer.analyze(text));
  });

  it("indexes the same statistics and postings as add(standardAnalyzer.analyze(text))", () => {
    const texts = ["The cat. The CAT's hat", "é東 Σ 3.14 a_b __", "", "x ".repeat(300)];
    const fused = new InvertedIndex();
    const plain = new InvertedIndex();
    texts.forEach((text, number) => {
      const document = { id: `d${number}`, text };
      fused.addStandardText(document, text);
      plain.add(document, standardAnalyzer.analyze(text));
    });
    expect(fused.termStrings()).toEqual(plain.termStrings());
    expect([...fused.lengths]).toEqual([...plain.lengths]);
    expect([...fused.norms]).toEqual([...plain.norms]);
    expect(fused.totalTerms).toBe(plain.totalTerms);
    expect(fused.documentsWithTerms).toBe(plain.documentsWithTerms);
    fused.pack();
    plain.pack();
    expect(fused.pool).toEqual(plain.pool);
    expect(fused.documentFrequencies).toEqual(plain.documentFrequencies);
  });
});

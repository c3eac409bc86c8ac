import { loadBeirInMemory } from "@hybrid-rag/eval";
import { describe, expect, it } from "vitest";
import { englishAnalyzer, porterStem, standardAnalyzer } from "./analyzers.ts";
import { tablesMeasuredWith } from "./lucene-symbol-tables.ts";
import { analyzerCases } from "./testing/analyzer-cases.ts";
import { luceneAnalyze } from "./testing/lucene-oracle.ts";
import { oracleAvailability, scifactFolder } from "./testing/oracle-availability.ts";

describe("analyzers on hard cases (expectations produced by Lucene 8.8.1)", () => {
  it("runs on the ICU that lucene-symbol-tables.ts was measured with", () => {
    const found = { icu: process.versions.icu, unicode: process.versions.unicode };
    expect(
      found,
      `Node's ICU is ${found.icu} (Unicode ${found.unicode}) but the symbol tables of ` +
        `src/lucene-symbol-tables.ts were measured with ICU ${tablesMeasuredWith.icu} ` +
        `(Unicode ${tablesMeasuredWith.unicode}): re-measure them with the Lucene oracle ` +
        `("every Unicode symbol and punctuation character tokenizes as in Lucene" below, with ` +
        `CI=1 so it cannot skip), update the regexes and tablesMeasuredWith, and re-run the SciFact parity test.`,
    ).toEqual(tablesMeasuredWith);
  });

  for (const { text, standard, english } of analyzerCases) {
    it(`${JSON.stringify(text.slice(0, 50))}`, () => {
      expect(standardAnalyzer.analyze(text)).toEqual(standard);
      expect(englishAnalyzer.analyze(text)).toEqual(english);
    });
  }

  it("returns no tokens for empty, blank, punctuation-only and all-stop-word text", () => {
    for (const text of ["", "   ", "?!.,;", "\u{d800}"]) {
      expect(standardAnalyzer.analyze(text)).toEqual([]);
    }
    expect(englishAnalyzer.analyze("the and of it is")).toEqual([]);
  });

  it("keeps Porter's 'eed' rule as Lucene does", () => {
    expect(["eed", "eeds", "feed", "agreed"].map(porterStem)).toEqual([
      "eed",
      "eed",
      "feed",
      "agre",
    ]);
  });
});

const oracle = oracleAvailability("analyzer checks against Lucene");

describe.skipIf(oracle.skip)("analyzers against Lucene itself", () => {
  it("the hard-case expectations are what Lucene produces", { timeout: 60_000 }, () => {
    oracle.require();
    const texts = analyzerCases.map((entry) => entry.text);
    expect(luceneAnalyze("standard", texts)).toEqual(analyzerCases.map((entry) => entry.standard));
    expect(luceneAnalyze("english", texts)).toEqual(analyzerCases.map((entry) => entry.english));
  });

  it("every SciFact document and query analyses to Lucene's tokens", {
    timeout: 120_000,
  }, async () => {
    oracle.require();
    const data = await loadBeirInMemory(scifactFolder);
    const texts = [
      ...data.documents.map((document) => `${document.title ?? ""} ${document.text}`),
      ...data.queries.map((query) => query.text),
    ];
    for (const [name, analyzer] of [
      ["standard", standardAnalyzer],
      ["english", englishAnalyzer],
    ] as const) {
      const lucene = luceneAnalyze(name, texts);
      const differing = texts.filter(
        (text, index) => analyzer.analyze(text).join("\t") !== lucene[index]!.join("\t"),
      );
      expect(differing, `${name}: texts whose tokens differ from Lucene's`).toEqual([]);
    }
  });

  it("every Unicode symbol and punctuation character tokenizes as in Lucene", {
    timeout: 120_000,
  }, () => {
    oracle.require();
    const texts: string[] = [];
    for (let codePoint = 0x20; codePoint < 0x30000; codePoint++) {
      if (codePoint >= 0xd800 && codePoint < 0xe000) continue;
      const character = String.fromCodePoint(codePoint);
      if (/[\p{S}\p{P}]/u.test(character)) texts.push(`a ${character} b`);
    }
    const lucene = luceneAnalyze("standard", texts);
    const differing = texts.filter(
      (text, index) => standardAnalyzer.analyze(text).join(" ") !== lucene[index]!.join(" "),
    );
    expect(differing).toEqual([]);
  });
});

import { englishAnalyzer, standardAnalyzer } from "@hybrid-rag/bm25";
import { describe, expect, it } from "vitest";
import { queryHighlighter } from "./query-highlights.ts";

function marked(analyzer: typeof englishAnalyzer, query: string, text: string): string[] {
  return queryHighlighter(analyzer, query)(text).map(([start, end]) => text.slice(start, end));
}

describe("queryHighlighter: the analyzed query terms as whole words", () => {
  it("never marks a query word inside another word", () => {
    const text = "Run it with sudo, not as pseudo-root; su and do are other commands.";
    expect(marked(standardAnalyzer, "sudo", text)).toEqual(["sudo"]);
    expect(marked(englishAnalyzer, "sudo", text)).toEqual(["sudo"]);
    expect(marked(englishAnalyzer, "histogram", "This is his histogram of histograms.")).toEqual([
      "histogram",
      "histograms",
    ]);
  });

  it("marks stemmed forms under the english analyzer and never its stop words", () => {
    const text = "The solar panels of the station generate electricity, and the panel is cleaned.";
    expect(marked(englishAnalyzer, "the panel is generating", text)).toEqual([
      "panels",
      "generate",
      "panel",
    ]);
  });

  it("under the standard analyzer marks exactly the query's words (no stemming, no stop words)", () => {
    const text = "The solar panels of the station; the panel is cleaned.";
    expect(marked(standardAnalyzer, "the panel is", text)).toEqual([
      "The",
      "the",
      "the",
      "panel",
      "is",
    ]);
  });

  it("marks possessives and case as the analyzer folds them, and nothing for an empty query", () => {
    expect(marked(englishAnalyzer, "engineer", "The Engineer's report, by ENGINEERS.")).toEqual([
      "Engineer's",
      "ENGINEERS",
    ]);
    expect(marked(englishAnalyzer, "the of", "the report of the engineer")).toEqual([]);
    expect(marked(englishAnalyzer, "", "anything")).toEqual([]);
  });
});

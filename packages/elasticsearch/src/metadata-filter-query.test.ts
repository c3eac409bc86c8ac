import { describe, expect, it } from "vitest";
import { metadataFilterClauses } from "./metadata-filter-query.ts";

describe("metadataFilterClauses", () => {
  it("maps scalars to term, lists to terms and objects to range on metadata.<field>", () => {
    expect(
      metadataFilterClauses({
        lang: "en",
        tags: ["a", "b"],
        year: { gte: 2020, lt: 2024 },
        "source.kind": "web",
      }),
    ).toEqual([
      { term: { "metadata.lang": "en" } },
      { terms: { "metadata.tags": ["a", "b"] } },
      { range: { "metadata.year": { gte: 2020, lt: 2024 } } },
      { term: { "metadata.source.kind": "web" } },
    ]);
  });

  it("makes conditions no indexed value can meet match nothing", () => {
    const nothing = { bool: { must_not: { match_all: {} } } };
    expect(metadataFilterClauses({ a: null, b: [null] })).toEqual([nothing, nothing]);
    expect(metadataFilterClauses(undefined)).toEqual([]);
  });
});

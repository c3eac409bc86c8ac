import { describe, expect, it } from "vitest";
import { toQdrantFilter } from "./qdrant-filter.ts";

describe("toQdrantFilter", () => {
  it("maps equality, any-of, ranges and dotted paths onto metadata.<field>", () => {
    expect(
      toQdrantFilter({
        lang: "en",
        draft: true,
        year: 2024,
        tags: ["energy", "games"],
        ids: [1, 2],
        score: 0.5,
        "source.kind": "web",
        size: { gte: 10, lt: 20 },
        published: { gte: "2024-01-01T00:00:00Z" },
        missing: null,
        mixed: ["a", 1],
      }),
    ).toEqual({
      must: [
        { key: "metadata.lang", match: { value: "en" } },
        { key: "metadata.draft", match: { value: true } },
        { key: "metadata.year", match: { value: 2024 } },
        { key: "metadata.tags", match: { any: ["energy", "games"] } },
        { key: "metadata.ids", match: { any: [1, 2] } },
        { key: "metadata.score", range: { gte: 0.5, lte: 0.5 } },
        { key: "metadata.source.kind", match: { value: "web" } },
        { key: "metadata.size", range: { gte: 10, lt: 20 } },
        { key: "metadata.published", range: { gte: "2024-01-01T00:00:00Z" } },
        { is_null: { key: "metadata.missing" } },
        {
          should: [
            { key: "metadata.mixed", match: { value: "a" } },
            { key: "metadata.mixed", match: { value: 1 } },
          ],
        },
      ],
    });
    expect(toQdrantFilter(undefined)).toBeUndefined();
    expect(toQdrantFilter({})).toBeUndefined();
  });

  it("rejects string ranges Qdrant cannot evaluate", () => {
    expect(() => toQdrantFilter({ name: { gte: "alpha" } })).toThrow(/RFC 3339/);
    // No time zone: the instant is ambiguous, so it is refused rather than guessed.
    expect(() => toQdrantFilter({ at: { gte: "2024-01-01T10:00:00" } })).toThrow(/RFC 3339/);
    expect(() => toQdrantFilter({ at: { gte: 1, lt: "2024-01-01" } })).toThrow(
      /all numbers or all dates/,
    );
  });

  it("sends date ranges under range as RFC 3339 (a bare date is midnight UTC)", () => {
    expect(
      toQdrantFilter({ at: { gte: "2024-01-01", lt: "2024-02-01T12:30:00.5+02:00" } }),
    ).toEqual({
      must: [
        {
          key: "metadata.at",
          range: { gte: "2024-01-01T00:00:00Z", lt: "2024-02-01T12:30:00.5+02:00" },
        },
      ],
    });
  });

  it("deduplicates match.any (the API requires unique items)", () => {
    expect(toQdrantFilter({ tags: ["a", "b", "a"], ids: [1, 1, 2] })).toEqual({
      must: [
        { key: "metadata.tags", match: { any: ["a", "b"] } },
        { key: "metadata.ids", match: { any: [1, 2] } },
      ],
    });
  });
});

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
        { key: "metadata.published", datetime_range: { gte: "2024-01-01T00:00:00Z" } },
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
    expect(() => toQdrantFilter({ name: { gte: "alpha" } })).toThrow(/ISO dates/);
  });
});

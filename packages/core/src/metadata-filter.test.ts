import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesMetadataFilter, metadataValueAt } from "./metadata-filter.ts";

const metadata = {
  lang: "en",
  year: 2022,
  tags: ["energy", "solar"],
  published: "2022-05-01",
  draft: false,
  nothing: null,
  source: { kind: "web", depth: 2 },
};

describe("matchesMetadataFilter", () => {
  it("matches scalars, any-of lists, ranges, nested paths and booleans", () => {
    expect(matchesMetadataFilter(metadata, { lang: "en" })).toBe(true);
    expect(matchesMetadataFilter(metadata, { lang: "fr" })).toBe(false);
    expect(matchesMetadataFilter(metadata, { lang: ["fr", "en"] })).toBe(true);
    expect(matchesMetadataFilter(metadata, { tags: "solar" })).toBe(true);
    expect(matchesMetadataFilter(metadata, { tags: ["wind", "coal"] })).toBe(false);
    expect(matchesMetadataFilter(metadata, { year: { gte: 2022, lt: 2023 } })).toBe(true);
    expect(matchesMetadataFilter(metadata, { year: { gt: 2022 } })).toBe(false);
    expect(matchesMetadataFilter(metadata, { published: { gte: "2022-01-01" } })).toBe(true);
    expect(matchesMetadataFilter(metadata, { "source.kind": "web" })).toBe(true);
    expect(matchesMetadataFilter(metadata, { draft: false })).toBe(true);
    expect(matchesMetadataFilter(metadata, { nothing: null })).toBe(true);
    expect(matchesMetadataFilter(metadata, { lang: "en", year: 1999 })).toBe(false);
  });

  it("never matches a missing field, and ranges never match across types", () => {
    expect(matchesMetadataFilter(metadata, { missing: "x" })).toBe(false);
    expect(matchesMetadataFilter(undefined, { lang: "en" })).toBe(false);
    expect(matchesMetadataFilter(metadata, { lang: { gte: 1 } })).toBe(false);
    expect(matchesMetadataFilter(metadata, { "source.kind.deeper": "x" })).toBe(false);
  });

  it("matches everything without a filter", () => {
    expect(matchesMetadataFilter(undefined, undefined)).toBe(true);
    expect(matchesMetadataFilter(metadata, {})).toBe(true);
  });

  it("agrees with equality for any scalar field (property)", () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), scalar, scalar, (key, stored, wanted) => {
        fc.pre(!key.includes("."));
        const record = { [key]: stored };
        expect(matchesMetadataFilter(record, { [key]: wanted })).toBe(stored === wanted);
      }),
    );
  });
});

describe("metadataValueAt", () => {
  it("prefers a literal dotted key over a nested path", () => {
    expect(metadataValueAt({ "a.b": 1, a: { b: 2 } }, "a.b")).toBe(1);
    expect(metadataValueAt({ a: { b: 2 } }, "a.b")).toBe(2);
  });
});

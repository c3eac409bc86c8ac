import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nameBasedUuid, pointIdFor } from "./point-id.ts";

describe("pointIdFor", () => {
  it("computes RFC 9562 version-5 UUIDs (Python's uuid5 gives the same)", () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com") in Python.
    expect(nameBasedUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  it("is deterministic, well-formed and distinct for distinct ids", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        expect(pointIdFor(a)).toBe(pointIdFor(a));
        expect(pointIdFor(a)).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        if (a !== b) expect(pointIdFor(a)).not.toBe(pointIdFor(b));
      }),
    );
    expect(pointIdFor("doc-東京-🙂")).toBe(pointIdFor("doc-東京-🙂"));
  });
});

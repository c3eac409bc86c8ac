import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HybridRagError } from "./errors.ts";
import { validateRetrieveCall } from "./retrieve-options.ts";
import { documentSchema, parseWithSchema } from "./schemas.ts";
import { validateDocuments } from "./validate-documents.ts";

function errorOf(run: () => unknown): HybridRagError {
  try {
    run();
  } catch (error) {
    if (HybridRagError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("parseWithSchema", () => {
  it("names the path, the problem and the value received", () => {
    const error = errorOf(() => parseWithSchema(documentSchema, { id: "", text: 3 }, "document"));
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toContain("Invalid document");
    expect(error.message).toContain('id: document id must not be empty (got "")');
    expect(error.message).toContain("text: document text must be a string");
    expect(error.message).toContain("(got 3)");
  });

  it("rejects unknown keys instead of ignoring them", () => {
    const error = errorOf(() =>
      parseWithSchema(documentSchema, { id: "a", text: "t", txet: "typo" }, "document"),
    );
    expect(error.message).toContain("txet");
  });
});

describe("document ids", () => {
  it("accepts unicode and rejects control characters, lone surrogates and huge ids", () => {
    const ok = (id: string) => documentSchema.safeParse({ id, text: "" }).success;
    expect(ok("doc-東京-🙂")).toBe(true);
    expect(ok("a\u0000b")).toBe(false);
    expect(ok("broken\ud800")).toBe(false);
    expect(ok("x".repeat(512))).toBe(true);
    expect(ok("é".repeat(257))).toBe(false);
  });
});

describe("validateRetrieveCall", () => {
  it("applies defaults and validates options", () => {
    expect(validateRetrieveCall("r", "q", { topK: 3 })).toMatchObject({
      topK: 3,
      includeDocuments: true,
    });
    expect(errorOf(() => validateRetrieveCall("r", "q", { topK: 0 })).message).toContain(
      "topK must be at least 1 (got 0)",
    );
    expect(errorOf(() => validateRetrieveCall("r", "q", { topK: 2, limit: 3 })).message).toContain(
      "limit",
    );
    expect(
      errorOf(() => validateRetrieveCall("r", "q", { topK: 2, filter: { year: { after: 1 } } }))
        .code,
    ).toBe("invalid-argument");
  });

  it("tells a timeout from an abort", () => {
    const timedOut = new AbortController();
    timedOut.abort(new DOMException("t", "TimeoutError"));
    expect(
      errorOf(() => validateRetrieveCall("r", "q", { topK: 1, signal: timedOut.signal })).code,
    ).toBe("timeout");
    const aborted = new AbortController();
    aborted.abort();
    expect(
      errorOf(() => validateRetrieveCall("r", "q", { topK: 1, signal: aborted.signal })).code,
    ).toBe("aborted");
  });
});

describe("validateDocuments", () => {
  it("reports bad items by index, keeps good ones, last duplicate wins", () => {
    const { valid, failed } = validateDocuments([
      { id: "a", text: "one" },
      { id: "b" },
      { id: "a", text: "two" },
      null,
    ]);
    expect(valid.map((item) => [item.document.id, item.document.text, item.index])).toEqual([
      ["a", "two", 2],
    ]);
    expect(failed.map((failure) => [failure.id, failure.index])).toEqual([
      ["b", 1],
      ["", 3],
    ]);
  });
});

describe("parseWithSchema bounds", () => {
  it("names the first issues only and counts the rest, whatever the input's size", () => {
    const schema = z.array(z.object({ text: z.string() }));
    const input = Array.from({ length: 20_000 }, () => 1);
    const error = errorOf(() => parseWithSchema(schema, input, "passages"));
    expect(error.message).toContain("and 19990 more issues");
    expect(error.message.length).toBeLessThan(4_000);
    expect(error.details).toMatchObject({ issueCount: 20_000 });
    expect(error.details?.issues).toHaveLength(10);
  });

  it("describes a deeply nested value without overflowing the stack", () => {
    let deep: unknown = "leaf";
    for (let level = 0; level < 20_000; level++) deep = [deep];
    const error = errorOf(() =>
      parseWithSchema(z.object({ text: z.string() }), { text: deep }, "x"),
    );
    expect(error.message).toMatch(/text: .*\(got \[\[\[\[/);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { segmentWords, standardTokens } from "./standard-tokenizer.ts";

describe("standard tokenizer", () => {
  const cases = [
    [
      "the ASCII fast path segments exactly as Intl.Segmenter does",
      "aZk09_.',:;-/ \t\n$%@#!?()\"&*+=xY",
    ],
    ["mixed ASCII and non-ASCII chunks keep Intl.Segmenter's tokens", "ab1.' é東🙂\u0301ΣÅ,:_"],
  ] as const;
  for (const [title, alphabet] of cases) {
    it(title, () => {
      const character = fc.constantFrom(...alphabet);
      fc.assert(
        fc.property(fc.array(character, { maxLength: 40 }), (characters) => {
          const text = characters.join("");
          expect(standardTokens(text)).toEqual(segmentWords(text));
        }),
        { numRuns: 2500 },
      );
    });
  }

  it("splits tokens longer than 255 code units as Lucene does", () => {
    expect(standardTokens("x".repeat(600)).map((token) => token.length)).toEqual([255, 255, 90]);
  });
});

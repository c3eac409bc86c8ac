import { HybridRagError } from "./errors.ts";

/** Throws `invalid-argument` unless every text is a string. */
export function assertStrings(texts: readonly unknown[], what: string): asserts texts is string[] {
  for (const [index, text] of texts.entries()) {
    if (typeof text !== "string") {
      throw new HybridRagError(
        "invalid-argument",
        `${what}: input ${index} must be a string, got ${text === null ? "null" : typeof text}.`,
        { details: { index } },
      );
    }
  }
}

import { HybridRagError } from "./errors.ts";

export interface JsonLimits {
  /** Deepest nesting of arrays and objects accepted (the top-level value is depth 1). */
  readonly maxDepth: number;
  /** Names the input in error messages ("request body", "documents.jsonl line 3", …). */
  readonly what: string;
}

/**
 * `JSON.parse` that first refuses input nested deeper than `maxDepth`, in one linear scan:
 * deeply nested values parse fine but overflow the stack of whatever walks them next (schema
 * validation, error messages, logging). Throws `invalid-argument` naming the limit.
 */
export function parseJsonWithLimits(text: string, limits: JsonLimits): unknown {
  const depth = jsonNestingExceeds(text, limits.maxDepth);
  if (depth !== undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `The ${limits.what} nests arrays/objects deeper than ${limits.maxDepth} levels (at character ${depth}): flatten it; no valid request needs that depth.`,
      { details: { maxDepth: limits.maxDepth, offset: depth } },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HybridRagError(
      "invalid-argument",
      `Malformed JSON in the ${limits.what}: ${reason.slice(0, 200)}.`,
      { cause: error },
    );
  }
}

/** The offset where nesting first exceeds `maxDepth`, or undefined; brackets in strings do not count. */
export function jsonNestingExceeds(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > maxDepth) return index;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return undefined;
}

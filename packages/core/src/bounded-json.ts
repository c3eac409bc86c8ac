import { HybridRagError } from "./errors.ts";

export interface JsonLimits {
  /** Deepest nesting of arrays and objects accepted (the top-level value is depth 1). */
  readonly maxDepth: number;
  /** Names the input in error messages ("request body", "documents.jsonl line 3", …). */
  readonly what: string;
  /**
   * Longest array accepted anywhere in the input, counted in the same scan: a body of millions
   * of items is refused before `JSON.parse` builds them. Default: no limit.
   */
  readonly maxArrayItems?: number;
  /** What to do about an over-long array, appended to the message ("send at most 512 passages"). */
  readonly arrayItemsHint?: string;
}

/**
 * `JSON.parse` that first refuses input nested deeper than `maxDepth`, in one linear scan:
 * deeply nested values parse fine but overflow the stack of whatever walks them next (schema
 * validation, error messages, logging). Throws `invalid-argument` naming the limit.
 */
export function parseJsonWithLimits(text: string, limits: JsonLimits): unknown {
  const violation = scanJson(text, limits.maxDepth, limits.maxArrayItems);
  if (violation?.kind === "depth") {
    throw new HybridRagError(
      "invalid-argument",
      `The ${limits.what} nests arrays/objects deeper than ${limits.maxDepth} levels (at character ${violation.offset}): flatten it; no valid request needs that depth.`,
      { details: { maxDepth: limits.maxDepth, offset: violation.offset } },
    );
  }
  if (violation?.kind === "array-items") {
    throw new HybridRagError(
      "invalid-argument",
      `The ${limits.what} has an array of more than ${limits.maxArrayItems} items (at character ${violation.offset})${limits.arrayItemsHint ? `: ${limits.arrayItemsHint}` : ""}.`,
      {
        details: {
          maxArrayItems: limits.maxArrayItems,
          offset: violation.offset,
          // Where the array opens, so a caller can name the field that holds it.
          arrayOffset: violation.arrayOffset,
        },
      },
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
  const violation = scanJson(text, maxDepth, undefined);
  return violation?.kind === "depth" ? violation.offset : undefined;
}

interface JsonViolation {
  readonly kind: "depth" | "array-items";
  readonly offset: number;
  /** For "array-items": the offset of the array's `[`. */
  readonly arrayOffset?: number;
}

/** One pass over the text: nesting depth, and commas per open array (items − 1). */
function scanJson(
  text: string,
  maxDepth: number,
  maxArrayItems: number | undefined,
): JsonViolation | undefined {
  const maxCommas = maxArrayItems === undefined ? Number.POSITIVE_INFINITY : maxArrayItems;
  // Commas seen in each open container; -1 marks an object (its commas are not counted).
  const commas = new Float64Array(maxDepth + 2);
  const opened = new Float64Array(maxDepth + 2);
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
      if (++depth > maxDepth) return { kind: "depth", offset: index };
      commas[depth] = code === 0x5b ? 0 : -1;
      opened[depth] = index;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    } else if (code === 0x2c && depth > 0 && commas[depth]! >= 0) {
      if (++commas[depth]! >= maxCommas) {
        return { kind: "array-items", offset: index, arrayOffset: opened[depth]! };
      }
    }
  }
  return undefined;
}

import { HybridRagError } from "@hybrid-rag/core";

/**
 * What one file may cost before it is skipped (with the budget it broke as the reason). The
 * defaults sit far above ordinary documents (a 2,000-page book, a 500-level deep page is already
 * unusual) and far below what takes a process down.
 */
export interface LoadBudgets {
  /** Files larger than this are not read (JSON Lines are streamed: `maxLineBytes` bounds them). */
  readonly maxFileBytes?: number;
  /** PDFs with more pages than this are not extracted. */
  readonly maxPages?: number;
  /** Text longer than this after extraction is not kept (characters, UTF-16 code units). */
  readonly maxCharacters?: number;
  /** HTML element nesting, or Markdown block-quote/list nesting, deeper than this is not parsed. */
  readonly maxDepth?: number;
  /** One JSON Lines record (one line) longer than this is skipped without being held in memory. */
  readonly maxLineBytes?: number;
  /** Wall time one file's extraction may take; the extraction thread is stopped at the deadline. */
  readonly fileTimeoutMs?: number;
  /** Zip-based files (docx, pptx, odt, epub) with more entries than this are not opened. */
  readonly maxArchiveEntries?: number;
  /** Bytes the entries read from one zip-based file may inflate to (zip bombs stop here). */
  readonly maxUnzippedBytes?: number;
}

export const defaultBudgets: Readonly<Required<LoadBudgets>> = {
  maxFileBytes: 100 * 1024 * 1024,
  maxPages: 5_000,
  maxCharacters: 20_000_000,
  maxDepth: 256,
  maxLineBytes: 32 * 1024 * 1024,
  fileTimeoutMs: 60_000,
  maxArchiveEntries: 10_000,
  maxUnzippedBytes: 256 * 1024 * 1024,
};

/** The options each budget is read from, with its default filled in; bad values are refused. */
export function resolveBudgets(options: LoadBudgets): Required<LoadBudgets> {
  const resolved = { ...defaultBudgets };
  for (const name of Object.keys(defaultBudgets) as (keyof LoadBudgets)[]) {
    const value = options[name];
    if (value === undefined) continue;
    // setTimeout caps at 2^31 - 1 ms; larger timeouts would fire at once.
    const max = name === "fileTimeoutMs" ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      throw new HybridRagError(
        "invalid-argument",
        `${name} must be a whole number from 1 to ${max}, got ${String(value)}; leave it out for the default (${defaultBudgets[name]}).`,
        { details: { option: name, value } },
      );
    }
    resolved[name] = value;
  }
  return resolved;
}

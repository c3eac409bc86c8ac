import type { Document } from "@hybrid-rag/core";

/** The documents a test writer ingests: "<prefix>-<i>", each with a word found in no other. */
export function writerDocuments(prefix: string, count: number): Document[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    text: `Record ${index} written by ${prefix}: the marker ${uniqueWord(prefix, index)} appears only here.`,
  }));
}

/** A word made of letters only, so every analyzer keeps it as one token. */
export function uniqueWord(prefix: string, index: number): string {
  const letters = `${prefix}x${index}`.replace(/\d/g, (digit) => "abcdefghij"[Number(digit)]!);
  return `zq${letters.replace(/[^a-z]/gi, "").toLowerCase()}`;
}

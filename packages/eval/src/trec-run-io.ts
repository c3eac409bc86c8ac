import { HybridRagError } from "@hybrid-rag/core";
import { writeFileAtomically } from "@hybrid-rag/core/internal";
import { isTrecSafeId, splitColumns } from "./columns.ts";
import { lineError, readLines } from "./read-lines.ts";
import type { Run, RunEntry } from "./types.ts";

/**
 * Reads a TREC run (`qid Q0 docid rank score tag`, whitespace-separated). The rank column is
 * kept only as written: metrics re-rank by score like trec_eval. A document listed twice for
 * one query is an error (trec_eval refuses such runs too).
 */
export async function readTrecRun(path: string): Promise<Run> {
  const run: Run = new Map();
  const seen = new Map<string, Map<string, number>>();
  for await (const { number, text } of readLines(path, "TREC run")) {
    const columns = splitColumns(text);
    if (columns.length === 0) continue;
    if (columns.length !== 6) {
      throw lineError(
        path,
        number,
        `expected 6 columns (qid Q0 docid rank score tag), found ${columns.length}: "${text.trim()}".`,
      );
    }
    const [queryId, , docId, , scoreText] = columns as [string, string, string, string, string];
    const score = Number(scoreText);
    if (scoreText.length === 0 || !Number.isFinite(score)) {
      throw lineError(path, number, `the score must be a finite number, got "${scoreText}".`);
    }
    const lines = seen.get(queryId) ?? new Map<string, number>();
    const earlier = lines.get(docId);
    if (earlier !== undefined) {
      throw lineError(
        path,
        number,
        `query "${queryId}" lists document "${docId}" twice (first on line ${earlier}).`,
      );
    }
    lines.set(docId, number);
    seen.set(queryId, lines);
    const entries = run.get(queryId) ?? [];
    entries.push({ docId, score });
    run.set(queryId, entries);
  }
  return run;
}

export interface WriteTrecRunOptions {
  /** The run tag (last column); default "hybrid-rag". */
  readonly tag?: string;
}

/**
 * Writes a run in TREC layout, one line per entry in the order given (rank = position, 1-based),
 * scores in shortest round-trip form so reading the file back gives the same numbers.
 * Written atomically: a temporary file renamed over `path`.
 */
export async function writeTrecRun(
  path: string,
  run: Run,
  options: WriteTrecRunOptions = {},
): Promise<void> {
  const tag = options.tag ?? "hybrid-rag";
  if (!isTrecSafeId(tag)) {
    throw new HybridRagError(
      "invalid-argument",
      `The TREC run tag must be non-empty without whitespace, got ${JSON.stringify(tag)}.`,
    );
  }
  await writeFileAtomically(path, formatRun(run, tag), "a TREC run");
}

function* formatRun(run: Run, tag: string): Generator<string> {
  for (const [queryId, entries] of run) {
    checkWritable(queryId, "query id");
    let chunk = "";
    entries.forEach((entry: RunEntry, index) => {
      checkWritable(entry.docId, "document id");
      if (!Number.isFinite(entry.score)) {
        throw new HybridRagError(
          "invalid-argument",
          `Cannot write a TREC run: query "${queryId}", document "${entry.docId}" has score ${entry.score}; scores must be finite.`,
        );
      }
      chunk += `${queryId} Q0 ${entry.docId} ${index + 1} ${entry.score} ${tag}\n`;
    });
    yield chunk;
  }
}

function checkWritable(id: string, what: string): void {
  if (!isTrecSafeId(id)) {
    throw new HybridRagError(
      "invalid-argument",
      `Cannot write a TREC run: the ${what} ${JSON.stringify(id)} is empty or contains whitespace, which the TREC layout cannot hold.`,
    );
  }
}

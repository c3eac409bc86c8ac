import { HybridRagError } from "@hybrid-rag/core";
import { writeFileAtomically } from "@hybrid-rag/core/internal";
import { splitColumns } from "./columns.ts";
import { lineError, readLines } from "./read-lines.ts";
import type { Qrels } from "./types.ts";

/** Qrels plus the line each judgement came from, for error messages about unknown ids. */
export interface NumberedQrels {
  readonly qrels: Qrels;
  /** query id → document id → 1-based line number. */
  readonly lines: Map<string, Map<string, number>>;
}

/**
 * Reads relevance judgements in either layout:
 * BEIR TSV `query-id<TAB>corpus-id<TAB>score` (with or without the header line) or
 * TREC `qid iteration docid grade`. Grades are integers (trec_eval reads them as integers);
 * a grade > 0 means relevant. A repeated (query, document) pair is an error, as in trec_eval.
 */
export async function readQrels(path: string): Promise<Qrels> {
  return (await readNumberedQrels(path)).qrels;
}

export async function readNumberedQrels(path: string): Promise<NumberedQrels> {
  const qrels: Qrels = new Map();
  const lines = new Map<string, Map<string, number>>();
  for await (const { number, text } of readLines(path, "qrels")) {
    const columns = splitColumns(text);
    if (columns.length === 0) continue;
    if (number === 1 && isHeader(columns)) continue;
    const judgement = parseJudgement(columns, path, number);
    const seen = lines.get(judgement.queryId) ?? new Map<string, number>();
    const earlier = seen.get(judgement.docId);
    if (earlier !== undefined) {
      throw lineError(
        path,
        number,
        `query "${judgement.queryId}" judges document "${judgement.docId}" again (first on line ${earlier}); keep one judgement per pair.`,
      );
    }
    seen.set(judgement.docId, number);
    lines.set(judgement.queryId, seen);
    const grades = qrels.get(judgement.queryId) ?? new Map<string, number>();
    grades.set(judgement.docId, judgement.grade);
    qrels.set(judgement.queryId, grades);
  }
  return { qrels, lines };
}

function isHeader(columns: readonly string[]): boolean {
  const last = columns[columns.length - 1] ?? "";
  return !/^[+-]?\d+$/.test(last) && columns.some((cell) => /query|score|rel/i.test(cell));
}

function parseJudgement(
  columns: readonly string[],
  path: string,
  line: number,
): { queryId: string; docId: string; grade: number } {
  let queryId: string | undefined;
  let docId: string | undefined;
  let grade: string | undefined;
  if (columns.length === 3) [queryId, docId, grade] = columns;
  else if (columns.length === 4) [queryId, , docId, grade] = columns;
  else {
    throw lineError(
      path,
      line,
      `expected 3 columns (query-id corpus-id score) or 4 (qid iteration docid grade), found ${columns.length}: "${columns.join(" ")}".`,
    );
  }
  if (!queryId || !docId) throw lineError(path, line, "empty query or document id.");
  if (grade === undefined || !/^[+-]?\d+$/.test(grade)) {
    throw lineError(path, line, `the grade must be an integer, got "${grade}".`);
  }
  return { queryId, docId, grade: Number.parseInt(grade, 10) };
}

/** Writes qrels in TREC layout (`qid 0 docid grade`), atomically (temporary file, then rename). */
export async function writeQrels(path: string, qrels: Qrels): Promise<void> {
  const lines: string[] = [];
  for (const [queryId, grades] of qrels) {
    for (const [docId, grade] of grades) {
      if (/\s/.test(queryId) || /\s/.test(docId) || !Number.isInteger(grade)) {
        throw new HybridRagError(
          "invalid-argument",
          `Cannot write qrels entry (${JSON.stringify(queryId)}, ${JSON.stringify(docId)}, ${grade}) in TREC layout: ids must not contain whitespace and grades must be integers.`,
        );
      }
      lines.push(`${queryId} 0 ${docId} ${grade}\n`);
    }
  }
  await writeFileAtomically(path, lines, "qrels");
}

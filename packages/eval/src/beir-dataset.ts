import { stat } from "node:fs/promises";
import { join } from "node:path";
import { type Document, HybridRagError } from "@hybrid-rag/core";
import { loadJsonLines } from "@hybrid-rag/loaders";
import { queryRecordSchema } from "./beir-records.ts";
import { parseJsonLine } from "./json-lines.ts";
import { type NumberedQrels, readNumberedQrels } from "./qrels-io.ts";
import { lineError, readLines } from "./read-lines.ts";
import type { Qrels } from "./types.ts";

export interface LoadBeirOptions {
  /** Which `qrels/<split>.tsv` to use (default "test"). */
  readonly split?: string;
  /**
   * Judgements naming a document that is not in the corpus: `"error"` (default) stops with the
   * qrels line; `"warn"` keeps them (BEIR's loader does, so they count in recall's denominator)
   * and lists them in `warnings`. Unknown query ids are always an error.
   */
  readonly unknownDocumentIds?: "error" | "warn";
  /** The longest `corpus.jsonl` line (one record) read, in bytes (default 32 MiB, the loaders' budget). */
  readonly maxLineBytes?: number;
}

export interface BeirDataset {
  readonly directory: string;
  readonly split: string;
  /** The split's queries (those with judgements), in `queries.jsonl` order: id → text. */
  readonly queries: ReadonlyMap<string, string>;
  readonly qrels: Qrels;
  /** Number of documents in `corpus.jsonl` (counted while checking it). */
  readonly documentCount: number;
  readonly warnings: readonly string[];
  /** Streams the corpus again, one document at a time: never the whole file in memory. */
  documents(): AsyncGenerator<Document>;
}

/**
 * Loads a BEIR folder (`corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`). The corpus is read
 * once up front as a stream to validate every line and collect ids (so a malformed line fails
 * before hours of embedding), then streamed again by `documents()`.
 */
export async function loadBeirDataset(
  directory: string,
  options: LoadBeirOptions = {},
): Promise<BeirDataset> {
  const split = checkSplitName(options.split ?? "test");
  await requireDirectory(directory);
  const corpusPath = join(directory, "corpus.jsonl");
  const qrelsPath = join(directory, "qrels", `${split}.tsv`);
  const numbered = await readSplitQrels(qrelsPath, split);
  const warnings: string[] = [];
  const queries = await readQueries(
    join(directory, "queries.jsonl"),
    numbered,
    qrelsPath,
    warnings,
  );
  const documentIds = new Set<string>();
  const maxLineBytes = options.maxLineBytes;
  for await (const document of streamCorpus(corpusPath, maxLineBytes, warnings)) {
    documentIds.add(document.id);
  }
  const policy = options.unknownDocumentIds ?? "error";
  checkDocumentIds(numbered, documentIds, policy, warnings, qrelsPath);
  return {
    directory,
    split,
    queries,
    qrels: numbered.qrels,
    documentCount: documentIds.size,
    warnings,
    documents: () => streamCorpus(corpusPath, maxLineBytes),
  };
}

async function requireDirectory(directory: string): Promise<void> {
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new HybridRagError(
      "not-found",
      `BEIR dataset folder ${directory} does not exist. It must contain corpus.jsonl, queries.jsonl and qrels/<split>.tsv.`,
    );
  }
}

async function readSplitQrels(path: string, split: string): Promise<NumberedQrels> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new HybridRagError(
      "not-found",
      `No judgements for split "${split}": ${path} does not exist. Choose a split that has a qrels/<split>.tsv file.`,
    );
  }
  return readNumberedQrels(path);
}

/** Split names are file names in `qrels/`: letters, digits, `.`, `_` and `-`, no path. */
const splitName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkSplitName(split: string): string {
  if (splitName.test(split) && !split.includes("..")) return split;
  throw new HybridRagError(
    "invalid-argument",
    `Invalid split ${JSON.stringify(split)}: a split names a file qrels/<split>.tsv inside the dataset folder, so it may hold only letters, digits, ".", "_" and "-" (no "/" or ".."), e.g. test, dev, train.`,
    { details: { split } },
  );
}

async function readQueries(
  path: string,
  numbered: NumberedQrels,
  qrelsPath: string,
  warnings: string[],
): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  const lineOf = new Map<string, number>();
  for await (const { number, text } of readLines(path, "BEIR queries")) {
    if (text.trim().length === 0) continue;
    const record = parseJsonLine(queryRecordSchema, text, path, number);
    const earlier = lineOf.get(record._id);
    if (earlier !== undefined) {
      const judged = numbered.qrels.has(record._id);
      warnings.push(
        `${path}:${number}: query id "${record._id}" appears again (first at line ${earlier})${judged && texts.get(record._id) !== record.text ? "; its later text is the one evaluated" : ""}.`,
      );
    }
    lineOf.set(record._id, number);
    if (numbered.qrels.has(record._id)) texts.set(record._id, record.text);
  }
  for (const [queryId, lines] of numbered.lines) {
    if (texts.has(queryId)) continue;
    const [line] = lines.values();
    throw lineError(
      qrelsPath,
      line ?? 0,
      `query id "${queryId}" is judged but not in ${path}; fix the qrels or add the query.`,
    );
  }
  return texts;
}

/**
 * The corpus through `@hybrid-rag/loaders` (the one reader of document files: its byte-order
 * mark, line budget, id rule and first-wins duplicate rule), so it yields the documents every
 * app gets from the same file. Each line the loader skips (a repeated id, invalid JSON, a record
 * without text, an inexact numeric id, a line over the budget) is named in `warnings`; a judged
 * document that was skipped still stops the load at the qrels check.
 */
async function* streamCorpus(
  path: string,
  maxLineBytes: number | undefined,
  warnings?: string[],
): AsyncGenerator<Document> {
  const records = loadJsonLines(path, {
    format: "beir",
    ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
  });
  try {
    for await (const result of records) {
      if (result.kind === "document") {
        const { id, text, title, metadata } = result;
        yield { id, text, ...(title ? { title } : {}), ...(metadata ? { metadata } : {}) };
      } else {
        warnings?.push(`${result.source}: skipped: ${result.reason}.`);
      }
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT") {
      throw new HybridRagError("not-found", `Cannot read BEIR corpus: ${path} does not exist.`, {
        cause: error,
      });
    }
    throw error;
  }
}

function checkDocumentIds(
  numbered: NumberedQrels,
  documentIds: ReadonlySet<string>,
  policy: "error" | "warn",
  warnings: string[],
  qrelsPath: string,
): void {
  for (const [queryId, lines] of numbered.lines) {
    for (const [docId, line] of lines) {
      if (documentIds.has(docId)) continue;
      const problem = `query "${queryId}" judges document "${docId}", which is not in corpus.jsonl`;
      if (policy === "warn") warnings.push(`${qrelsPath}:${line}: ${problem} (kept).`);
      else
        throw lineError(
          qrelsPath,
          line,
          `${problem}; fix the qrels or load with unknownDocumentIds: "warn".`,
        );
    }
  }
}

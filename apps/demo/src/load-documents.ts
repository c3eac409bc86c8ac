import { readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join, relative } from "node:path";
import { type Document, HybridRagError } from "@hybrid-rag/core";
import { jsonlDocument } from "./jsonl-document.ts";
import { listCorpusFiles, type SkippedPath } from "./list-corpus-files.ts";
import { formatBytes, readBoundedLines } from "./read-bounded-lines.ts";

const textExtensions = new Set([".txt", ".md", ".markdown"]);
const jsonlExtensions = new Set([".jsonl", ".ndjson"]);

/** What to do when two records have the same id. */
export type DuplicateIdPolicy = "last-wins" | "error";

export interface LoadCorpusOptions {
  /**
   * `"error"` (default) refuses the corpus at the second record of an id; `"last-wins"` keeps
   * the later record (as an upsert would) and reports every replaced one in `duplicates`.
   */
  readonly onDuplicateId?: DuplicateIdPolicy;
  /** The most bytes one document (a JSONL line or a text file) may take; default 32 MiB. */
  readonly maxDocumentBytes?: number;
}

/** A record whose id an earlier record already had. */
export interface DuplicateId {
  readonly id: string;
  /** Where the replaced record was ("file:line", or the file for a text file). */
  readonly replaced: string;
  /** Where the record that was kept is. */
  readonly keptFrom: string;
}

export interface LoadedCorpus {
  /** One per id, in the order read (a replaced id at its later position). */
  readonly documents: Document[];
  /** Records read, duplicates included. */
  readonly records: number;
  readonly duplicates: DuplicateId[];
  /** Files in the folder that were not read, and why (other file types, broken links, …). */
  readonly skipped: SkippedPath[];
}

export const defaultMaxDocumentBytes = 32 * 1024 * 1024;

/**
 * Reads the documents to search: a BEIR folder (its corpus.jsonl), a folder of .txt/.md/.jsonl
 * files (walked recursively, symbolic links followed; a text file is one document whose id is
 * its relative path), one .jsonl file or one .txt/.md file. Nothing is lost silently: duplicate
 * ids follow `onDuplicateId` and are reported, skipped files are listed with the reason.
 */
export async function loadCorpus(
  path: string,
  options: LoadCorpusOptions = {},
): Promise<LoadedCorpus> {
  const info = await stat(path).catch((error: unknown) => {
    throw new HybridRagError(
      "not-found",
      `Cannot read the corpus at ${path}: ${String(error)}. Pass a folder of .txt/.md/.jsonl files, one such file, or a BEIR folder.`,
      { cause: error },
    );
  });
  const collector = new CorpusCollector(options.onDuplicateId ?? "error");
  const maxBytes = options.maxDocumentBytes ?? defaultMaxDocumentBytes;
  let skipped: SkippedPath[] = [];
  if (info.isFile()) {
    if (!(await readFileInto(collector, dirname(path), path, maxBytes))) {
      throw new HybridRagError(
        "invalid-argument",
        `Cannot read the corpus at ${path}: a "${extname(path)}" file is neither JSONL (.jsonl, .ndjson) nor text (.txt, .md, .markdown). Pass one of those, or a folder.`,
      );
    }
  } else {
    const beirCorpus = join(path, "corpus.jsonl");
    if (await isFile(beirCorpus)) await readJsonl(collector, beirCorpus, maxBytes);
    else {
      const listed = await listCorpusFiles(path);
      skipped = listed.skipped;
      for (const file of listed.files) {
        if (!(await readFileInto(collector, path, file, maxBytes))) {
          skipped.push({ path: file, reason: "not a .txt, .md, .markdown or .jsonl file" });
        }
      }
    }
  }
  return { ...collector.result(), skipped };
}

/** The documents of `loadCorpus(path)`; a repeated id is an error (use `loadCorpus` to see and keep duplicates). */
export async function loadDocuments(path: string): Promise<Document[]> {
  return (await loadCorpus(path)).documents;
}

/** Returns false for a file type the corpus does not read. */
async function readFileInto(
  collector: CorpusCollector,
  root: string,
  file: string,
  maxBytes: number,
): Promise<boolean> {
  const extension = extname(file).toLowerCase();
  if (jsonlExtensions.has(extension)) await readJsonl(collector, file, maxBytes);
  else if (textExtensions.has(extension)) {
    collector.add(await readTextFile(root, file, maxBytes), file);
  } else return false;
  return true;
}

async function readTextFile(root: string, file: string, maxBytes: number): Promise<Document> {
  const { size } = await stat(file);
  if (size > maxBytes) {
    throw new HybridRagError(
      "invalid-argument",
      `${file} is ${size} bytes, more than ${formatBytes(maxBytes)}, the most one document may take; split it into smaller files. Nothing was indexed.`,
    );
  }
  let text = await readFile(file, "utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const heading = /^#\s+(.+)$/m.exec(text)?.[1]?.trim();
  return {
    id: relative(root, file).split("\\").join("/"),
    title: heading ?? basename(file, extname(file)),
    text,
  };
}

async function readJsonl(collector: CorpusCollector, file: string, maxBytes: number) {
  for await (const { number, text } of readBoundedLines(file, maxBytes)) {
    if (text.trim() === "") continue;
    const where = `${file}:${number}`;
    collector.add(jsonlDocument(text, where), where);
  }
}

/** Keeps one document per id under the duplicate policy, remembering where each came from. */
class CorpusCollector {
  readonly #byId = new Map<string, { document: Document; from: string }>();
  readonly #duplicates: DuplicateId[] = [];
  #records = 0;
  readonly policy: DuplicateIdPolicy;

  constructor(policy: DuplicateIdPolicy) {
    this.policy = policy;
  }

  add(document: Document, from: string): void {
    this.#records++;
    const earlier = this.#byId.get(document.id);
    if (earlier !== undefined) {
      if (this.policy === "error") {
        throw new HybridRagError(
          "invalid-argument",
          `${from}: the id ${JSON.stringify(document.id)} was already used at ${earlier.from}; ids must be unique (or load with onDuplicateId: "last-wins" to keep the later record).`,
          { details: { id: document.id, first: earlier.from, again: from } },
        );
      }
      this.#duplicates.push({ id: document.id, replaced: earlier.from, keptFrom: from });
      this.#byId.delete(document.id);
    }
    this.#byId.set(document.id, { document, from });
  }

  result(): Omit<LoadedCorpus, "skipped"> {
    return {
      documents: [...this.#byId.values()].map(({ document }) => document),
      records: this.#records,
      duplicates: this.#duplicates,
    };
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

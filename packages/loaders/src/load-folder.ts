import type { Dirent } from "node:fs";
import { access, readdir, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { type FolderFilter, folderFilter } from "./folder-filter.ts";
import type { FormatOptions } from "./format-options.ts";
import { keepFirstOfEachId } from "./keep-first-of-each-id.ts";
import { type LoadBudgets, resolveBudgets } from "./load-budgets.ts";
import {
  formatOptionsOf,
  type LoadFileOptions,
  readFileResults,
  readsWholeFile,
  type UnchangedFile,
} from "./load-file.ts";
import { readJsonLines } from "./load-json-lines.ts";
import type { LoadResult, SkipCode, SkippedSource } from "./loaded-document.ts";
import type { OcrFunction } from "./ocr.ts";
import { printableBytes, printablePath } from "./printable-path.ts";
import { ReadAhead } from "./read-ahead.ts";

export interface LoadFolderOptions extends LoadFileOptions {
  /**
   * Follow symbolic links that lead outside the folder (default false: they are reported as
   * skipped). Links inside the folder are always followed; loops and broken links are reported.
   */
  readonly followSymlinks?: boolean;
  /**
   * Only files whose path inside the folder matches one of these patterns are loaded
   * (gitignore syntax: `*.md`, `docs/**`, `/top-level.txt`). Empty or absent: every file.
   */
  readonly include?: readonly string[];
  /**
   * Files and folders matching these patterns are left out (gitignore syntax, `!` re-includes),
   * as are those a `.hybridragignore` file at the folder's root names.
   */
  readonly exclude?: readonly string[];
  /** Called with the path inside the folder of each file or folder left out by the patterns. */
  readonly onExcluded?: (path: string) => void;
  /**
   * Asked before a file (with one document per file) is extracted: true skips it as
   * `unchanged` (see `UnchangedFile`). An incremental ingest's way to read and hash, not parse.
   */
  readonly unchangedFile?: UnchangedFile;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Core's limit on a document id (Elasticsearch's). */
const maxIdBytes = 512;

/**
 * Walks a folder (sorted, depth first) and streams every document it can load, and a `skipped`
 * result for every file it cannot: unsupported types, binary files, budgets exceeded, unreadable
 * files, files or folders that vanish mid-walk (small files are read up to 16 ahead of their
 * turn: `ReadAhead`), links outside the folder, loops. Documents are
 * identified by their path relative to the folder (with `/`). A folder holding a BEIR
 * `corpus.jsonl` is read as a BEIR corpus (record ids). Ids are unique: the first document with
 * an id wins.
 */
export async function* loadFolder(
  folder: string,
  options: LoadFolderOptions = {},
): AsyncGenerator<LoadResult> {
  const budgets = resolveBudgets(options);
  let root: string;
  try {
    root = await realpath(folder);
    if (!(await stat(root)).isDirectory()) throw new Error("not a directory");
  } catch (error) {
    throw new HybridRagError(
      "not-found",
      `Cannot load the folder ${printablePath(folder)}: ${error instanceof Error ? error.message : String(error)}. Pass an existing directory.`,
    );
  }
  const filter = await folderFilter(root, options);
  const walk = new Walk(
    folder,
    root,
    budgets,
    options.followSymlinks ?? false,
    formatOptionsOf(options),
    options.ocr,
    filter,
    options.unchangedFile,
  );
  yield* keepFirstOfEachId(walk.directory(folder));
}

class Walk {
  readonly #visited: Set<string>;
  readonly #folder: string;
  readonly #root: string;
  readonly #budgets: Required<LoadBudgets>;
  readonly #followOutside: boolean;
  readonly #formatOptions: FormatOptions;
  readonly #ocr: OcrFunction | undefined;
  readonly #filter: FolderFilter;
  readonly #unchangedFile: UnchangedFile | undefined;

  constructor(
    folder: string,
    root: string,
    budgets: Required<LoadBudgets>,
    followOutside: boolean,
    formatOptions: FormatOptions,
    ocr: OcrFunction | undefined,
    filter: FolderFilter,
    unchangedFile: UnchangedFile | undefined,
  ) {
    this.#formatOptions = formatOptions;
    this.#ocr = ocr;
    this.#filter = filter;
    this.#unchangedFile = unchangedFile;
    this.#folder = folder;
    this.#root = root;
    this.#visited = new Set([root]);
    this.#budgets = budgets;
    this.#followOutside = followOutside;
  }

  async *directory(directory: string): AsyncGenerator<LoadResult> {
    let entries: Dirent<Buffer>[];
    try {
      entries = await readdir(directory, { withFileTypes: true, encoding: "buffer" });
    } catch (error) {
      yield failed(directory, "folder", error);
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    if (await isBeirFolder(directory)) {
      yield* readJsonLines(join(directory, "corpus.jsonl"), "beir", this.#budgets.maxLineBytes);
      for (const entry of entries) {
        if (entry.name.toString() === "corpus.jsonl") continue;
        yield skipped(
          join(directory, printableBytes(entry.name)),
          "unsupported",
          "part of a BEIR folder other than corpus.jsonl (queries and judgements are not documents)",
        );
      }
      return;
    }
    const ahead = new ReadAhead(this.#budgets.maxFileBytes);
    for (const entry of entries) {
      // Regular files the walk will read whole (links are resolved at their turn).
      const name = entry.isFile() ? decodedName(entry) : undefined;
      if (name === undefined) continue;
      const path = join(directory, name);
      const inside = relative(this.#folder, path).split(sep).join("/");
      if (readsWholeFile(path) && this.#filter.keeps(inside, false, false)) ahead.add(path);
    }
    for (const entry of entries) yield* this.#entry(directory, entry, ahead);
  }

  async *#entry(
    directory: string,
    entry: Dirent<Buffer>,
    ahead: ReadAhead,
  ): AsyncGenerator<LoadResult> {
    let name: string;
    try {
      name = utf8.decode(entry.name);
    } catch {
      yield skipped(
        join(directory, printableBytes(entry.name)),
        "not-a-file",
        "its name is not valid UTF-8 (shown with \\xNN escapes), so it cannot become a document id; rename it",
      );
      return;
    }
    const path = join(directory, name);
    const inside = relative(this.#folder, path).split(sep).join("/");
    // A link is checked as a folder here (patterns for folders apply) and as a file below.
    if (!this.#filter.keeps(inside, entry.isDirectory() || entry.isSymbolicLink())) return;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      let target: string;
      try {
        target = await realpath(path);
        const info = await stat(target);
        isDirectory = info.isDirectory();
        isFile = info.isFile();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        yield code === "ENOENT"
          ? skipped(path, "link", "broken symbolic link (its target does not exist)")
          : failed(path, "link", error);
        return;
      }
      if (!this.#followOutside && !isInside(target, this.#root)) {
        yield skipped(
          path,
          "link",
          `symbolic link to ${printablePath(target)}, outside the loaded folder (pass followSymlinks: true, or --follow-symlinks, to follow it)`,
        );
        return;
      }
    }
    if (isDirectory) {
      let real: string;
      try {
        real = await realpath(path);
      } catch (error) {
        yield failed(path, "folder", error);
        return;
      }
      if (this.#visited.has(real)) {
        yield skipped(path, "link", `link loop: ${printablePath(real)} was already visited`);
        return;
      }
      this.#visited.add(real);
      yield* this.directory(path);
    } else if (isFile) {
      // A name may hold control characters, which ids may not: the id is the escaped path,
      // the same text every report prints.
      if (entry.isSymbolicLink() && !this.#filter.keeps(inside, false)) return;
      const id = printablePath(inside);
      if (Buffer.byteLength(id, "utf8") > maxIdBytes) {
        yield skipped(
          path,
          "unsupported",
          `its path inside the folder is ${Buffer.byteLength(id, "utf8")} UTF-8 bytes, over the ${maxIdBytes} a document id may hold; shorten the path`,
        );
        return;
      }
      yield* readFileResults(
        path,
        id,
        this.#budgets,
        this.#formatOptions,
        this.#ocr,
        this.#unchangedFile,
        this.#folder,
        ahead.take(path),
      );
    } else {
      yield skipped(path, "not-a-file", "not a regular file (socket, device or pipe)");
    }
  }
}

function decodedName(entry: Dirent<Buffer>): string | undefined {
  try {
    return utf8.decode(entry.name);
  } catch {
    return undefined;
  }
}

function isInside(target: string, root: string): boolean {
  return target === root || target.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

function skipped(path: string, code: SkipCode, reason: string): SkippedSource {
  return { kind: "skipped", source: printablePath(path), code, reason };
}

/** A file or folder that could not be read: gone since it was listed, or refused by the system. */
function failed(path: string, what: "folder" | "link", error: unknown): SkippedSource {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return skipped(
      path,
      "vanished",
      `the ${what} no longer exists (removed or replaced while loading)`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return skipped(path, "unreadable", `the ${what} could not be read: ${message}`);
}

async function isBeirFolder(directory: string): Promise<boolean> {
  try {
    await access(join(directory, "corpus.jsonl"));
    await access(join(directory, "queries.jsonl"));
    return true;
  } catch {
    return false;
  }
}

import type { Dirent } from "node:fs";
import { access, readdir, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { type LoadFileOptions, loadFile } from "./load-file.ts";
import { loadJsonLines } from "./load-json-lines.ts";
import type { LoadResult } from "./loaded-document.ts";

export interface LoadFolderOptions extends LoadFileOptions {
  /** Follow symbolic links (default true); when false each link is reported as skipped. */
  readonly followSymlinks?: boolean;
}

/**
 * Walks a folder (sorted, depth first) and streams every document it can load, and a `skipped`
 * result for every file it cannot: unsupported types, unreadable files, broken or looping
 * links, files over the size limit. Documents are ids by their path relative to the folder
 * (with `/`). A folder holding a BEIR `corpus.jsonl` is read as a BEIR corpus (record ids).
 */
export async function* loadFolder(
  folder: string,
  options: LoadFolderOptions = {},
): AsyncGenerator<LoadResult> {
  let root: string;
  try {
    root = await realpath(folder);
    if (!(await stat(root)).isDirectory()) throw new Error("not a directory");
  } catch (error) {
    throw new HybridRagError(
      "not-found",
      `Cannot load the folder ${folder}: ${error instanceof Error ? error.message : String(error)}. Pass an existing directory.`,
    );
  }
  yield* walk(folder, folder, new Set([root]), options);
}

async function* walk(
  folder: string,
  directory: string,
  visited: Set<string>,
  options: LoadFolderOptions,
): AsyncGenerator<LoadResult> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    yield {
      kind: "skipped",
      source: directory,
      reason: `folder could not be read: ${String(error)}`,
    };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (await isBeirFolder(directory)) {
    yield* loadJsonLines(join(directory, "corpus.jsonl"), "beir");
    for (const entry of entries) {
      if (entry.name === "corpus.jsonl") continue;
      yield {
        kind: "skipped",
        source: join(directory, entry.name),
        reason:
          "part of a BEIR folder other than corpus.jsonl (queries and judgements are not documents)",
      };
    }
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      if (options.followSymlinks === false) {
        yield { kind: "skipped", source: path, reason: "symbolic link (followSymlinks is false)" };
        continue;
      }
      try {
        const target = await stat(path);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch {
        yield {
          kind: "skipped",
          source: path,
          reason: "broken symbolic link (its target does not exist)",
        };
        continue;
      }
    }
    if (isDirectory) {
      const real = await realpath(path);
      if (visited.has(real)) {
        yield { kind: "skipped", source: path, reason: `link loop: ${real} was already visited` };
        continue;
      }
      visited.add(real);
      yield* walk(folder, path, visited, options);
    } else if (isFile) {
      const id = relative(folder, path).split(sep).join("/");
      yield* loadFile(path, id, options);
    } else {
      yield {
        kind: "skipped",
        source: path,
        reason: "not a regular file (socket, device or pipe)",
      };
    }
  }
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

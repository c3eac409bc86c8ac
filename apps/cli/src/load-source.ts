import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import {
  type LoadFolderOptions,
  type LoadResult,
  loadFile,
  loadFolder,
  printablePath,
} from "@hybrid-rag/loaders";

/**
 * What `ingest` (and the demo) reads, through `@hybrid-rag/loaders` and nothing else: a folder
 * (BEIR folders included) through `loadFolder`, a single file through `loadFile` (its id is its
 * file name), so one file and a folder of it give the same documents under the same rules.
 */
export async function loadFolderOrFile(
  path: string,
  options: LoadFolderOptions = {},
): Promise<AsyncGenerator<LoadResult>> {
  const info = await stat(path).catch((error: unknown) => {
    throw new HybridRagError(
      "not-found",
      `Cannot read ${path}: ${String(error)}. Pass a folder, a BEIR folder or one file the loaders read (.txt, .md, .html, .pdf, .jsonl).`,
      { cause: error },
    );
  });
  // As in a folder, a name's control characters are escaped in its id.
  return info.isFile()
    ? loadFile(path, printablePath(basename(path)), options)
    : loadFolder(path, options);
}

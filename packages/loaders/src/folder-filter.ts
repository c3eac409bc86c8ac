import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import ignore from "ignore";

export interface FolderFilter {
  /**
   * Whether a path inside the folder (with `/`) is walked (a folder) or loaded (a file); one left
   * out is reported to `onExcluded` unless `report` is false (a look ahead, not the walk itself).
   */
  keeps(path: string, isDirectory: boolean, report?: boolean): boolean;
}

const ignoreFile = ".hybridragignore";

/**
 * The include/exclude patterns of `loadFolder` and the folder's `.hybridragignore`, in gitignore
 * syntax (the `ignore` package: the matcher ESLint and Prettier use). Excluded folders are not
 * walked at all; `include` applies to files only, so `docs/**\/*.md` still walks every folder.
 */
export async function folderFilter(
  root: string,
  options: {
    readonly include?: readonly string[];
    readonly exclude?: readonly string[];
    readonly onExcluded?: (path: string) => void;
  },
): Promise<FolderFilter> {
  const excluded = ignore().add([ignoreFile, ...(options.exclude ?? [])]);
  let fileText: string | undefined;
  try {
    fileText = await readFile(join(root, ignoreFile), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new HybridRagError(
        "unavailable",
        `Cannot read ${join(root, ignoreFile)}: ${String(error)}; fix its permissions or remove it.`,
      );
    }
  }
  if (fileText !== undefined) excluded.add(fileText);
  const include = options.include ?? [];
  const included = include.length > 0 ? ignore().add([...include]) : undefined;
  return {
    keeps(path, isDirectory, report = true) {
      const left =
        excluded.ignores(isDirectory ? `${path}/` : path) ||
        (!isDirectory && included !== undefined && !included.ignores(path));
      if (left && report && path !== ignoreFile) options.onExcluded?.(path);
      return !left;
    },
  };
}

import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";

/** A file or link the walk did not read, and why (reported to the user, never dropped silently). */
export interface SkippedPath {
  readonly path: string;
  readonly reason: string;
}

export interface CorpusFiles {
  /** Regular files (symbolic links followed), sorted by path. */
  readonly files: string[];
  readonly skipped: SkippedPath[];
}

/**
 * Walks `root` recursively. Symbolic links are followed, to files and to folders; a link whose
 * target is missing, a folder reached twice (a link loop) and anything that is neither a file nor
 * a folder are listed in `skipped` with the reason. Hidden names (starting with ".") are not
 * walked, as before, and are listed too.
 */
export async function listCorpusFiles(root: string): Promise<CorpusFiles> {
  const files: string[] = [];
  const skipped: SkippedPath[] = [];
  const visited = new Set<string>([await realpath(root)]);
  const walk = async (folder: string): Promise<void> => {
    const entries: Dirent[] = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.name.startsWith(".")) {
        skipped.push({ path, reason: "hidden" });
        continue;
      }
      const kind = entry.isSymbolicLink() ? await linkTarget(path) : direntKind(entry);
      if (kind === "file") files.push(path);
      else if (kind === "folder") {
        const real = await realpath(path);
        if (visited.has(real)) skipped.push({ path, reason: `a folder already read (${real})` });
        else {
          visited.add(real);
          await walk(path);
        }
      } else skipped.push({ path, reason: kind.reason });
    }
  };
  await walk(root);
  files.sort();
  return { files, skipped };
}

type Kind = "file" | "folder" | { readonly reason: string };

function direntKind(entry: Dirent): Kind {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "folder";
  return { reason: "not a regular file or folder" };
}

async function linkTarget(path: string): Promise<Kind> {
  try {
    const info = await stat(path);
    if (info.isFile()) return "file";
    if (info.isDirectory()) return "folder";
    return { reason: "a symbolic link to something that is not a file or folder" };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      reason:
        code === "ENOENT"
          ? "a symbolic link whose target does not exist"
          : `a symbolic link that cannot be followed (${code ?? String(error)})`,
    };
  }
}

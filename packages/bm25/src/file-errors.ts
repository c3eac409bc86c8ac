import { HybridRagError } from "@hybrid-rag/core";

/** A file that is not a valid index: nothing of it is loaded. */
export function corrupt(path: string, why: string): HybridRagError {
  return new HybridRagError(
    "corrupt-data",
    `${path} cannot be loaded as a BM25 index: ${why}. Nothing was loaded; rebuild or restore the file.`,
    { details: { path } },
  );
}

/** Maps a file-system error to a HybridRagError code with a message saying what to do. */
export function fileError(error: unknown, path: string, action: string): HybridRagError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (error as Error).message;
  if (code === "ENOENT") {
    return new HybridRagError(
      "not-found",
      `Could not ${action} ${path}: the file or its folder does not exist (${reason}).`,
      { cause: error },
    );
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new HybridRagError(
      "permission-denied",
      `Could not ${action} ${path}: permission denied (${reason}). Choose a writable location.`,
      { cause: error },
    );
  }
  if (code === "EISDIR" || code === "ENOTDIR") {
    return new HybridRagError(
      "invalid-argument",
      `Could not ${action} ${path}: the path is not a regular file (${reason}).`,
      { cause: error },
    );
  }
  return new HybridRagError("unavailable", `Could not ${action} ${path}: ${reason}.`, {
    cause: error,
  });
}

import { randomBytes } from "node:crypto";
import { open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { HybridRagError } from "./errors.ts";

/** Temporary files this process is writing right now: never removed as leftovers. */
const inFlight = new Set<string>();

/**
 * Writes `chunks` (bytes, or strings written as UTF-8) to `path` so that a reader (or a crash) sees the old file or the whole new one,
 * never a part: the bytes go to `<path>.<pid>.<random>.tmp`, which is flushed to disk (fsync),
 * renamed over `path`, and the folder is flushed too so that the rename itself survives a power
 * loss. Leftovers of earlier writes that were killed midway are removed first
 * (`removeLeftoverTemporaryFiles`). On failure the temporary file is removed and the error is a
 * HybridRagError naming `what` and the path (`not-found`, `permission-denied`,
 * `resource-exhausted` for a full disk, otherwise `unavailable`).
 */
export async function writeFileAtomically(
  path: string,
  chunks: Iterable<Uint8Array | string>,
  what: string,
): Promise<void> {
  await removeLeftoverTemporaryFiles(path);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  inFlight.add(temporary);
  try {
    const handle = await open(temporary, "wx");
    try {
      // Chunks may come from a generator: a large file is never held whole in memory.
      for (const chunk of chunks) {
        await writeAll(handle, typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    await syncFolder(dirname(path));
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw fileWriteError(error, path, what);
  } finally {
    inFlight.delete(temporary);
  }
}

async function writeAll(
  handle: Awaited<ReturnType<typeof open>>,
  chunk: Uint8Array,
): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

async function syncFolder(folder: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(folder, "r");
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) and file systems cannot open or fsync a folder; the data itself is synced.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EACCES") {
      throw error;
    }
  } finally {
    await handle?.close();
  }
}

/**
 * Removes `<path>.<…>.tmp` files that an earlier `writeFileAtomically` left when it was killed
 * midway (they can be as large as the file). A temporary file whose writer is still running (this
 * process, or another live process by the pid in its name) is left alone. Returns the removed
 * paths; files that cannot be removed (read-only folder) are left, as they hide nothing.
 */
export async function removeLeftoverTemporaryFiles(path: string): Promise<string[]> {
  const folder = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(?:(\d+)\.)?([0-9a-f]{12}|[0-9a-f-]{36})\.tmp$/.exec(name.slice(prefix.length));
    if (match === null) continue;
    const candidate = join(folder, name);
    const pid = match[1] === undefined ? undefined : Number(match[1]);
    if (inFlight.has(candidate) || (pid !== undefined && pid !== process.pid && isAlive(pid))) {
      continue;
    }
    try {
      await rm(candidate, { force: true });
      removed.push(candidate);
    } catch {
      // A leftover we may not delete is harmless: it is never read.
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function fileWriteError(error: unknown, path: string, what: string): HybridRagError {
  // The chunks' producer refused its own data (e.g. a value a format cannot hold): say so as is.
  if (HybridRagError.isInstance(error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = error instanceof Error ? error.message : String(error);
  const prefix = `Could not save ${what} to ${path}`;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new HybridRagError("not-found", `${prefix}: its folder does not exist (${reason}).`, {
      cause: error,
    });
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new HybridRagError(
      "permission-denied",
      `${prefix}: permission denied (${reason}). Choose a writable location.`,
      { cause: error },
    );
  }
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new HybridRagError(
      "resource-exhausted",
      `${prefix}: the disk is full (${reason}). Free space and save again; the previous file is unchanged.`,
      { cause: error, isRetryable: false },
    );
  }
  if (code === "EISDIR") {
    return new HybridRagError("invalid-argument", `${prefix}: the path is a folder (${reason}).`, {
      cause: error,
    });
  }
  return new HybridRagError("unavailable", `${prefix}: ${reason}.`, { cause: error });
}

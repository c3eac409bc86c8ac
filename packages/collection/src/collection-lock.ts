import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HybridRagError } from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";
import { z } from "zod";

export const lockFile = "writer.lock";

const holderSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  token: z.string(),
  since: z.string(),
  command: z.string(),
});

/** Who holds a collection's writer lock, as written in its lock file. */
export type LockHolder = z.output<typeof holderSchema>;

export interface LockCollectionOptions {
  /** How long to wait for another writer to finish, in milliseconds (default 0: fail at once). */
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * A lock file written but not yet filled in (its writer between `open` and `write`) is held; one
 * left empty for longer than this was left by a writer killed in that gap.
 */
const unfinishedLockGraceMs = 5_000;

/**
 * The one writer of a collection directory. `lockCollection` creates `writer.lock` atomically
 * (a hard link, which fails if it exists) with the holder's pid, host and a random token; a second writer finds it and waits or
 * gets `locked` naming the holder. A lock whose process is gone (same host, pid not alive) is
 * stale and taken over. `verify()` checks that the file is still this lock's (the commit point
 * calls it); `release()` removes it.
 */
export class CollectionLock {
  readonly directory: string;
  readonly holder: LockHolder;
  #released = false;

  constructor(directory: string, holder: LockHolder) {
    this.directory = directory;
    this.holder = holder;
  }

  get path(): string {
    return join(this.directory, lockFile);
  }

  get released(): boolean {
    return this.#released;
  }

  /** Throws `locked` unless the lock file on disk is still this lock. */
  async verify(): Promise<void> {
    if (this.#released) {
      throw new HybridRagError(
        "locked",
        `The writer lock of ${this.directory} was already released; take it again with lockCollection().`,
      );
    }
    const current = await readHolder(this.path);
    if (current?.token !== this.holder.token) {
      throw new HybridRagError(
        "locked",
        `The writer lock of ${this.directory} is no longer this process's (${current ? `now held by ${describeHolder(current)}` : "the lock file is gone"}); nothing was saved. Take the lock again and redo the update.`,
      );
    }
  }

  /** Removes the lock file if it is still this lock's; safe to call twice. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const current = await readHolder(this.path);
    if (current?.token === this.holder.token) await rm(this.path, { force: true });
  }
}

/**
 * Takes the writer lock of a collection directory (created if missing). Another live writer:
 * waits up to `waitMs` (polling), then throws `locked` naming it (pid, host, since, command).
 */
export async function lockCollection(
  directory: string,
  options: LockCollectionOptions = {},
): Promise<CollectionLock> {
  const waitMs = options.waitMs ?? 0;
  if (!Number.isFinite(waitMs) || waitMs < 0) {
    throw new HybridRagError(
      "invalid-argument",
      `waitMs must be a number of milliseconds ≥ 0, got ${waitMs}.`,
    );
  }
  await mkdir(directory, { recursive: true });
  const path = join(directory, lockFile);
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(options.signal, "waiting for the collection's writer lock");
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      token: randomBytes(12).toString("hex"),
      since: new Date().toISOString(),
      command: process.argv.slice(1, 4).join(" ").slice(0, 200),
    };
    if (await createLockFile(path, holder)) return new CollectionLock(directory, holder);
    const current = await readHolder(path, true);
    if (current === undefined) continue; // released between our attempt and the read: try again
    if (await isStale(path, current)) {
      await removeStaleLock(path, current);
      continue;
    }
    const waited = performance.now() - started;
    if (waited >= waitMs) throw lockedError(directory, current, waitMs);
    // Jittered polling: two waiters do not retry in lockstep.
    const pause = Math.min(25 * 2 ** Math.min(attempt, 3), 200) * (0.5 + Math.random());
    await sleep(Math.min(pause, Math.max(waitMs - waited, 1)));
  }
}

type ReadHolder = LockHolder | "unfinished" | undefined;

/**
 * Creates the lock file with its content in one step, so that a writer that finds it always
 * finds its holder: the content goes to a temporary file that is hard-linked to the lock's name
 * (link fails if the name exists), then the temporary name is removed. Where hard links are not
 * supported, the file is created with O_EXCL and then written (a reader may briefly find it
 * empty: "a writer that is starting").
 */
async function createLockFile(path: string, holder: LockHolder): Promise<boolean> {
  const temporary = `${path}.${holder.token}.tmp`;
  await writeSynced(temporary, holder, "w");
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") {
      throw lockFileError(path, error);
    }
  } finally {
    await rm(temporary, { force: true });
  }
  try {
    await writeSynced(path, holder, "wx");
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw lockFileError(path, error);
  }
}

async function writeSynced(path: string, holder: LockHolder, flags: "w" | "wx"): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw error;
    throw lockFileError(path, error);
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The holder in a lock file; "unfinished" while it is empty or half-written; undefined if absent. */
async function readHolder(path: string): Promise<LockHolder | undefined>;
async function readHolder(path: string, unfinished: true): Promise<ReadHolder>;
async function readHolder(path: string, unfinished = false): Promise<ReadHolder> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw lockFileError(path, error);
  }
  try {
    return holderSchema.parse(JSON.parse(text));
  } catch {
    return unfinished ? "unfinished" : undefined;
  }
}

async function isStale(path: string, holder: LockHolder | "unfinished"): Promise<boolean> {
  if (holder === "unfinished") {
    const modified = await stat(path).then(
      (stats) => stats.mtimeMs,
      () => Date.now(),
    );
    return Date.now() - modified > unfinishedLockGraceMs;
  }
  // A process on another host cannot be checked from here: its lock stays until removed by hand.
  return holder.host === hostname() && !isAlive(holder.pid);
}

/**
 * Removes a stale lock without removing a live one that replaced it meanwhile: the file is
 * renamed aside first and checked; if it turns out to be another writer's fresh lock (two
 * processes recovering the same stale lock), it is linked back in place.
 */
async function removeStaleLock(path: string, stale: LockHolder | "unfinished"): Promise<void> {
  const aside = `${path}.stale-${randomBytes(6).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw lockFileError(path, error);
  }
  const moved = await readHolder(aside, true);
  const same =
    stale === "unfinished"
      ? moved === "unfinished" || moved === undefined
      : moved !== "unfinished" && moved?.token === stale.token;
  if (!same) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function describeHolder(holder: LockHolder): string {
  return `process ${holder.pid} on ${holder.host} (since ${holder.since}${holder.command ? `, ${holder.command}` : ""})`;
}

function lockedError(directory: string, holder: LockHolder | "unfinished", waitMs: number) {
  if (holder !== "unfinished" && holder.pid === process.pid && holder.host === hostname()) {
    return new HybridRagError(
      "locked",
      `${directory} is locked by this process already (since ${holder.since}): pass the CollectionLock you hold, e.g. collection.save(directory, { lock }), or release it first.`,
      { details: { directory, holder } },
    );
  }
  const who = holder === "unfinished" ? "a writer that is starting" : describeHolder(holder);
  const waited = waitMs > 0 ? ` after waiting ${(waitMs / 1000).toFixed(1)} s` : "";
  const remote =
    holder !== "unfinished" && holder.host !== hostname()
      ? ` If ${holder.host} no longer runs it, delete ${join(directory, lockFile)}.`
      : "";
  return new HybridRagError(
    "locked",
    `${directory} is being written by ${who}${waited}; wait for it to finish (\`hybrid-rag ingest --wait <seconds>\`, or lockCollection's waitMs) and try again.${remote}`,
    { details: { directory, holder }, isRetryable: true },
  );
}

function lockFileError(path: string, error: unknown): HybridRagError {
  const code = (error as NodeJS.ErrnoException).code;
  return new HybridRagError(
    code === "EACCES" || code === "EPERM" || code === "EROFS" ? "permission-denied" : "unavailable",
    `Cannot use the writer lock ${path}: ${error instanceof Error ? error.message : String(error)}.`,
    { cause: error },
  );
}

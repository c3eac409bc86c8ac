import { randomBytes } from "node:crypto";
import { mkdir, open as openFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CollectionManifest, manifestFile } from "./collection-manifest.ts";
import { segmentFilePattern } from "./segment-file.ts";

/** The files of one version folder `vNNNNNN/`. */
export const versionFiles = {
  store: "store.jsonl",
  sparse: "sparse.bm25",
  dense: "dense.vectors",
  /** The refs of the images the store uses (only when it uses any). */
  images: "images.jsonl",
} as const;

export function versionFolderName(version: number): string {
  return `v${String(version).padStart(6, "0")}`;
}

/**
 * Writes a version folder as `vNNNNNN.partial-<random>` through `write` (which gets the staging
 * folder and flushes every file it writes), then renames it to `vNNNNNN`: a folder with the
 * final name is always complete.
 */
export async function writeVersionFolder(
  directory: string,
  version: number,
  write: (folder: string) => Promise<void>,
): Promise<string> {
  const name = versionFolderName(version);
  const staging = join(directory, `${name}.partial-${randomBytes(4).toString("hex")}`);
  await mkdir(staging);
  try {
    await write(staging);
    // A folder of this name can only be left by a save killed after its rename but before its
    // manifest swap: no manifest names it, so it is replaced.
    await rm(join(directory, name), { recursive: true, force: true });
    await rename(staging, join(directory, name));
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  return name;
}

/**
 * The commit point: writes the manifest to a temporary file, flushes it and renames it over
 * `manifest.json` (then flushes the folder). Readers see the old manifest or the new one.
 */
export async function swapManifest(directory: string, manifest: CollectionManifest): Promise<void> {
  const temporary = join(directory, `${manifestFile}.${randomBytes(4).toString("hex")}.tmp`);
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await syncPath(temporary);
  await rename(temporary, join(directory, manifestFile));
  await syncPath(directory);
}

export async function syncPath(path: string): Promise<void> {
  const handle = await openFile(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes versions older than the ones in `keep` and the leftovers of interrupted saves and
 * manifest swaps. The previous version is kept so that a reader that read the manifest just
 * before a swap still finds its folder (it only retries when two saves land during its open).
 * Only the writer-lock holder calls this, so no other save's staging folder is in flight.
 */
export async function removeOtherVersions(
  directory: string,
  keep: readonly string[],
): Promise<void> {
  for (const entry of await readdir(directory)) {
    const leftover =
      /^v\d{6}(\.partial-[0-9a-f]+)?$/.test(entry) ||
      segmentFilePattern.test(entry) ||
      new RegExp(`^${manifestFile.replace(".", "\\.")}\\.[0-9a-f]{8}\\.tmp$`).test(entry);
    if (leftover && !keep.includes(entry)) {
      await rm(join(directory, entry), { recursive: true, force: true });
    } else if (/^writer\.lock\.([0-9a-f]{24}\.tmp|stale-[0-9a-f]{12})$/.test(entry)) {
      await removeIfOld(join(directory, entry));
    }
  }
}

/**
 * A writer killed while taking or recovering the lock leaves its temporary lock file. Another
 * process may be taking the lock right now through such a file, so only old ones are removed.
 */
async function removeIfOld(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info && Date.now() - info.mtimeMs > lockLeftoverAgeMs) await rm(path, { force: true });
}

const lockLeftoverAgeMs = 10 * 60_000;

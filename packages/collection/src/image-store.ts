import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  checkImageBytes,
  HybridRagError,
  type ImageResolver,
  type InlineImage,
  readImageDimensions,
  type StoredImageReference,
} from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";
import { syncPath } from "./collection-versions.ts";

/** Bounds on each image a collection stores, checked on the way in. */
export interface ImageLimits {
  /** Bytes one image may have (default 8 MiB, as the loaders'). */
  readonly maxImageBytes?: number;
  /** Pixels one image may have, read from its header (default 16,777,216 = 4096²). */
  readonly maxImagePixels?: number;
}

export const defaultImageLimits: Required<ImageLimits> = {
  maxImageBytes: 8 * 1024 * 1024,
  maxImagePixels: 4096 * 4096,
};

/** The folder of a collection directory that holds its images, one file per SHA-256. */
export const imagesFolder = "images";

/** An image checked against the limits and hashed, not yet kept (`ImageStore.keep`). */
export interface PreparedImage {
  readonly reference: StoredImageReference;
  readonly data: Uint8Array;
}

/**
 * The collection's images, stored once by content: `<collection>/images/<ab>/<sha256>`, where
 * `ab` is the hash's first two hex digits. Images added since the last save wait in memory
 * (`pending`) and are written, each flushed and renamed into place, before the manifest swap
 * that first names them, so a saved version never refers to an image that is not on disk.
 * Files are immutable: the same bytes in many documents or versions are one file. Unreferenced
 * files are removed only when a whole version is written (`collectImageGarbage`), keeping those
 * of the previous version for readers that opened it.
 *
 * It is the collection's `ImageResolver`: `resolveImage({ ref })` reads the file and checks its
 * hash, format and size; a missing or damaged file is a `corrupt-data` error saying what to do.
 */
export class ImageStore implements ImageResolver {
  readonly limits: Required<ImageLimits>;
  readonly #pending = new Map<string, InlineImage>();
  /** The collection directory whose `images/` holds the saved images (open, save, checkpoint). */
  #directory: string | undefined;

  constructor(options: { readonly directory?: string; readonly limits?: ImageLimits } = {}) {
    this.limits = resolveImageLimits(options.limits);
    this.#directory = options.directory;
  }

  /** Where saved images are read from; undefined until the collection is opened or saved. */
  get directory(): string | undefined {
    return this.#directory;
  }

  /** Images added since the last save (in memory until written). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Checks an image's format (magic bytes against its declared type), bytes and pixels, and
   * hashes it; throws `invalid-argument` saying which bound it broke and how to raise it.
   */
  prepare(image: InlineImage, what: string): PreparedImage {
    const { maxImageBytes, maxImagePixels } = this.limits;
    if (image.data.byteLength > maxImageBytes) {
      throw new HybridRagError(
        "invalid-argument",
        `${what} has ${image.data.byteLength} bytes, over the collection's image limit of ${maxImageBytes} (images.maxImageBytes): raise the limit or render it smaller.`,
        { details: { bytes: image.data.byteLength, maxImageBytes } },
      );
    }
    const mediaType = checkImageBytes(image.data, image.mediaType, what);
    const size = readImageDimensions(image.data, mediaType);
    if (size === undefined) {
      throw new HybridRagError(
        "invalid-argument",
        `${what} is a ${mediaType} whose header gives no pixel size (cut short or malformed): send the whole image.`,
      );
    }
    if (size.width * size.height > maxImagePixels) {
      throw new HybridRagError(
        "invalid-argument",
        `${what} has ${size.width} × ${size.height} pixels, over the collection's image limit of ${maxImagePixels} (images.maxImagePixels): raise the limit or render it smaller.`,
        { details: { width: size.width, height: size.height, maxImagePixels } },
      );
    }
    const ref = createHash("sha256").update(image.data).digest("hex");
    return {
      reference: { mediaType, ref, width: size.width, height: size.height },
      data: image.data,
    };
  }

  /**
   * Keeps a prepared image until the next save writes it; `deduplicated` when the store already
   * had these bytes (in memory or on disk), which then make no new file. The bytes stay in memory
   * even then, until a save finds the document that uses them stored: a whole save may remove
   * an unreferenced file, and the document may not be stored yet.
   */
  async keep(image: PreparedImage): Promise<{ deduplicated: boolean }> {
    const { ref, mediaType } = image.reference;
    if (this.#pending.has(ref)) return { deduplicated: true };
    const onDisk = (await this.#savedSize(ref)) === image.data.byteLength;
    this.#pending.set(ref, { mediaType, data: image.data });
    return { deduplicated: onDisk };
  }

  async resolveImage(image: StoredImageReference, signal?: AbortSignal): Promise<InlineImage> {
    throwIfAborted(signal, "image resolve");
    const pending = this.#pending.get(image.ref);
    const data = pending?.data ?? (await this.#readSaved(image.ref));
    let mediaType: InlineImage["mediaType"];
    try {
      mediaType = checkImageBytes(data, image.mediaType, `stored image ${image.ref}`);
    } catch (error) {
      throw new HybridRagError(
        "corrupt-data",
        `${(error as Error).message} The image store holds other bytes than the document says; re-ingest the documents.`,
        { cause: error },
      );
    }
    return {
      mediaType,
      data,
      ...(image.width !== undefined ? { width: image.width } : {}),
      ...(image.height !== undefined ? { height: image.height } : {}),
    };
  }

  /**
   * Makes every image in `refs` a file under `directory/images/` (written from memory, or copied
   * from the directory it was saved in before), flushed, and reads from there from now on. Call
   * it before the manifest swap that names them. Returns how many files it wrote.
   */
  async persist(directory: string, refs: ReadonlySet<string>): Promise<number> {
    const touched = new Set<string>();
    let written = 0;
    for (const ref of refs) {
      const target = imagePath(directory, ref);
      if (await sizeOf(target)) continue;
      const data = this.#pending.get(ref)?.data ?? (await this.#readSaved(ref));
      await writeImageFile(target, data);
      touched.add(join(directory, imagesFolder, ref.slice(0, 2)));
      written++;
    }
    for (const folder of touched) await syncPath(folder);
    if (touched.size > 0) await syncPath(join(directory, imagesFolder));
    this.#directory = directory;
    // On disk now: read back from the file. Pending images of documents not stored yet (a batch
    // in flight) stay until the save that finds them stored.
    for (const ref of refs) this.#pending.delete(ref);
    return written;
  }

  /**
   * Drops the pending images no stored document uses (those of documents that failed to write),
   * once an ingest has ended and no document is in flight.
   */
  dropPendingExcept(keep: ReadonlySet<string>): void {
    for (const ref of [...this.#pending.keys()]) if (!keep.has(ref)) this.#pending.delete(ref);
  }

  async #savedSize(ref: string): Promise<number | undefined> {
    return this.#directory === undefined ? undefined : sizeOf(imagePath(this.#directory, ref));
  }

  async #readSaved(ref: string): Promise<Uint8Array> {
    const directory = this.#directory;
    if (directory === undefined) {
      throw new HybridRagError(
        "not-found",
        `The collection holds no image ${ref} (it was never added, and the collection was not opened from a directory).`,
        { details: { ref } },
      );
    }
    const path = imagePath(directory, ref);
    const size = await sizeOf(path);
    if (size === undefined) {
      throw new HybridRagError(
        "corrupt-data",
        `${path} is missing: a stored document refers to image ${ref}. If the collection was compacted twice since this process opened it, open it again; otherwise restore the collection folder from a backup or re-ingest the documents.`,
        { details: { ref, path } },
      );
    }
    if (size > this.limits.maxImageBytes) {
      throw new HybridRagError(
        "corrupt-data",
        `${path} has ${size} bytes, over the image limit of ${this.limits.maxImageBytes}: it is not the image the collection stored; re-ingest the documents.`,
        { details: { ref, path } },
      );
    }
    const data = new Uint8Array(await readFile(path));
    if (createHash("sha256").update(data).digest("hex") !== ref) {
      throw new HybridRagError(
        "corrupt-data",
        `${path} does not hash to ${ref} (modified or truncated): restore the collection folder from a backup or re-ingest the documents.`,
        { details: { ref, path } },
      );
    }
    return data;
  }
}

/**
 * Removes the files under `directory/images/` that no ref in `keep` names, and leftovers of
 * interrupted writes. Only the writer-lock holder calls it, after a whole version's manifest
 * swap, with the refs of that version and of the previous one (a reader may still use it).
 */
export async function collectImageGarbage(
  directory: string,
  keep: ReadonlySet<string>,
): Promise<number> {
  const root = join(directory, imagesFolder);
  let removed = 0;
  for (const prefix of await readdir(root).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const entry of await readdir(join(root, prefix))) {
      const image = /^[0-9a-f]{64}$/.test(entry);
      if (image && keep.has(entry)) continue;
      if (!image && !/^[0-9a-f]{64}\.[0-9a-f]{8}\.tmp$/.test(entry)) continue;
      await rm(join(root, prefix, entry), { force: true });
      if (image) removed++;
    }
  }
  return removed;
}

export function imagePath(directory: string, ref: string): string {
  if (!/^[0-9a-f]{64}$/.test(ref)) {
    throw new HybridRagError(
      "invalid-argument",
      `image ref must be the lowercase hex SHA-256 of the image bytes, got ${JSON.stringify(ref.slice(0, 80))}.`,
    );
  }
  return join(directory, imagesFolder, ref.slice(0, 2), ref);
}

export function resolveImageLimits(limits: ImageLimits = {}): Required<ImageLimits> {
  const resolved = { ...defaultImageLimits, ...limits };
  for (const name of ["maxImageBytes", "maxImagePixels"] as const) {
    const value = resolved[name];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new HybridRagError(
        "invalid-argument",
        `images.${name} must be a whole number of at least 1, got ${String(value)}; leave it out for the default (${defaultImageLimits[name]}).`,
        { details: { option: `images.${name}` } },
      );
    }
  }
  return resolved;
}

async function sizeOf(path: string): Promise<number | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? info.size : undefined;
}

/** Temporary name, flush, rename: a file with its final name always holds the whole image. */
async function writeImageFile(path: string, data: Uint8Array): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  const temporary = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temporary, "wx");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

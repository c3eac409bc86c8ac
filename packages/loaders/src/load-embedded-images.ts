import { open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { documentIdSchema, readImageDimensions, sniffImageMediaType } from "@hybrid-rag/core";
import type { ResolvedEmbeddedImageOptions } from "./embedded-image-options.ts";
import type { EmbeddedImageReference } from "./embedded-image-references.ts";
import type { LoadedDocument } from "./loaded-document.ts";

/** What became of a file's embedded images: image documents, and what was not loaded and why. */
export interface EmbeddedImagesOutcome {
  readonly documents: LoadedDocument[];
  readonly warnings: string[];
}

/**
 * Reads the images an HTML / Markdown file shows that are files inside the loaded folder (a
 * remote or `data:` image, or a path leading outside the folder, is not read), each checked by
 * its magic bytes and bounded in bytes and pixels, as image-only documents
 * `<parent id>#image=<n>` linked to the parent and the image's place in it.
 */
export async function loadEmbeddedImages(
  parent: Pick<LoadedDocument, "id" | "source" | "title" | "format">,
  references: readonly EmbeddedImageReference[],
  root: string,
  options: ResolvedEmbeddedImageOptions,
): Promise<EmbeddedImagesOutcome> {
  const documents: LoadedDocument[] = [];
  const warnings: string[] = [];
  let outside = 0;
  const realRoot = await realpath(root).catch(() => root);
  for (const [index, reference] of references.entries()) {
    const where = `the image at line ${reference.line} ("${reference.src.slice(0, 200)}")`;
    if (/^[a-z][a-z0-9+.-]*:/i.test(reference.src) || reference.src.startsWith("//")) {
      outside++;
      continue;
    }
    let path: string;
    try {
      path = resolve(
        dirname(parent.source),
        decodeURIComponent(reference.src.replace(/[?#].*$/, "")),
      );
    } catch {
      warnings.push(`${where} has a malformed path; it was not loaded`);
      continue;
    }
    const real = await realpath(path).catch(() => undefined);
    if (real === undefined) {
      warnings.push(`${where} is not a file in the folder; it was not loaded`);
      continue;
    }
    const inside = relative(realRoot, real);
    if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) {
      outside++;
      continue;
    }
    const read = await readImage(real, options.maxImageBytes);
    if (typeof read === "string") {
      warnings.push(`${where} ${read}; it was not loaded`);
      continue;
    }
    const mediaType = sniffImageMediaType(read);
    if (mediaType === undefined) {
      warnings.push(
        `${where} is not a PNG, JPEG, WebP, GIF, BMP or TIFF image (by its first bytes); it was not loaded`,
      );
      continue;
    }
    const size = readImageDimensions(read, mediaType);
    if (size && size.width * size.height > options.maxImagePixels) {
      warnings.push(
        `${where} is ${size.width} × ${size.height} pixels, over maxImagePixels (${options.maxImagePixels}); it was not loaded (raise images.maxImagePixels)`,
      );
      continue;
    }
    const id = `${parent.id}#image=${index + 1}`;
    if (!documentIdSchema.safeParse(id).success) {
      warnings.push(
        `${where}'s document id would be over core's 512-byte id limit; it was not loaded`,
      );
      continue;
    }
    documents.push({
      kind: "document",
      id,
      source: real,
      format: parent.format,
      text: "",
      ...(reference.alt || parent.title
        ? { title: reference.alt || `${parent.title}, image ${index + 1}` }
        : {}),
      image: { mediaType, data: read, ...(size ?? {}) },
      metadata: {
        parent: parent.id,
        image: relative(realRoot, real).split(sep).join("/"),
        charOffset: reference.charOffset,
        line: reference.line,
        ...(reference.alt ? { alt: reference.alt } : {}),
      },
      headings: [],
      pages: [],
    });
  }
  if (outside > 0) {
    warnings.push(
      `${outside} image${outside === 1 ? "" : "s"} outside the loaded folder (remote, data: or a path leading out) ${outside === 1 ? "was" : "were"} not loaded`,
    );
  }
  return { documents, warnings };
}

/** The file's bytes, or why not (over the budget, unreadable). */
async function readImage(path: string, maxBytes: number): Promise<Uint8Array | string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    return `could not be read (${error instanceof Error ? error.message : String(error)})`;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return "is not a regular file";
    if (info.size > maxBytes) {
      return `is ${info.size} bytes, over maxImageBytes (${maxBytes}) (raise images.maxImageBytes)`;
    }
    const bytes = await handle.readFile();
    if (bytes.length > maxBytes) return `grew past maxImageBytes (${maxBytes}) while read`;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } finally {
    await handle.close();
  }
}

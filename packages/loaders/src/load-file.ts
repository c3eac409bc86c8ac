import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { basename, dirname, extname } from "node:path";
import { documentIdSchema, parseWithSchema } from "@hybrid-rag/core";
import { resolveEmbeddedImageOptions } from "./embedded-image-options.ts";
import type { ExtractedFormat } from "./extract-document.ts";
import { sharedExtractionThread } from "./extraction-thread.ts";
import type { FormatOptions } from "./format-options.ts";
import { keepFirstOfEachId } from "./keep-first-of-each-id.ts";
import { type LoadBudgets, resolveBudgets } from "./load-budgets.ts";
import { loadEmbeddedImages } from "./load-embedded-images.ts";
import { readJsonLines } from "./load-json-lines.ts";
import type { LoadedDocument, LoadResult, SkipCode, SkippedSource } from "./loaded-document.ts";
import { type OcrFunction, type OcrPageImage, withOcrText } from "./ocr.ts";
import { pageImageDocument } from "./page-image-document.ts";
import { resolvePdfOptions } from "./pdf-page-images.ts";
import { printablePath } from "./printable-path.ts";

/** The budgets one file may use (see `LoadBudgets`; every one has a default) and per-format settings. */
export interface LoadFileOptions extends LoadBudgets, FormatOptions {
  /**
   * Reads PDF pages that have no text layer (scanned): off by default, when such pages are
   * reported instead (a skipped file, or a warning naming the pages). See `OcrFunction`.
   */
  readonly ocr?: OcrFunction;
}

const formats: Record<string, ExtractedFormat> = {
  ".txt": "txt",
  ".md": "md",
  ".markdown": "md",
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
  ".pdf": "pdf",
  ".docx": "docx",
  ".pptx": "pptx",
  ".odt": "odt",
  ".epub": "epub",
  ".csv": "csv",
  ".tsv": "csv",
  ".json": "json",
  ".rst": "rst",
};

/** File name endings each loader reads (lower case). */
export const supportedExtensions = [...Object.keys(formats), ".jsonl"];

/**
 * Loads one file by its extension. `id` names the document (a folder load passes the path
 * relative to the folder). Whatever goes wrong, a budget included, becomes a `skipped` result
 * with the reason: this function throws only for invalid options.
 */
export async function* loadFile(
  path: string,
  id: string,
  options: LoadFileOptions = {},
): AsyncGenerator<LoadResult> {
  const budgets = resolveBudgets(options);
  parseWithSchema(documentIdSchema, id, "the id given to loadFile");
  yield* keepFirstOfEachId(
    readFileResults(path, id, budgets, formatOptionsOf(options), options.ocr),
  );
}

/** `loadFile` without the duplicate rule (a folder load applies it across all its files). */
export async function* readFileResults(
  path: string,
  id: string,
  budgets: Required<LoadBudgets>,
  formatOptions: FormatOptions = {},
  ocr?: OcrFunction,
  unchangedFile?: UnchangedFile,
  /** The folder embedded images must live in (default: the file's own folder). */
  imageRoot: string = dirname(path),
  /** This file's read, started ahead by a folder walk (`ReadAhead`); undefined: read it now. */
  readStarted?: Promise<BoundedRead | DeferredRead>,
): AsyncGenerator<LoadResult> {
  const extension = extname(path).toLowerCase();
  const skip = (code: SkipCode, reason: string): SkippedSource => ({
    kind: "skipped",
    source: printablePath(path),
    code,
    reason,
  });
  if (extension === ".jsonl") {
    yield* readJsonLines(path, "jsonl", budgets.maxLineBytes);
    return;
  }
  const format = formats[extension];
  if (format === undefined) {
    yield skip(
      "unsupported",
      `unsupported file type "${extension || "(no extension)"}" (supported: ${supportedExtensions.join(", ")})`,
    );
    return;
  }
  const started = await readStarted;
  const read =
    started === undefined || started.kind === "deferred"
      ? await readBounded(path, budgets.maxFileBytes)
      : started;
  if (read.kind === "skipped") {
    yield skip(read.code, read.reason);
    return;
  }
  if (read.bytes.length === 0) {
    yield skip("empty", "an empty file (0 bytes)");
    return;
  }
  const fileSha256 = createHash("sha256").update(read.bytes).digest("hex");
  if (unchangedFile?.(id, fileSha256)) {
    yield { ...skip("unchanged", "its bytes are unchanged since it was loaded before"), id };
    return;
  }
  const outcome = await sharedExtractionThread.extract({
    format,
    id,
    source: path,
    bytes: read.bytes,
    budgets,
    formatOptions,
    ...(ocr && format === "pdf" ? { ocr: true } : {}),
  });
  if (outcome.kind === "refused") {
    yield skip(outcome.code, outcome.reason);
    return;
  }
  if (outcome.kind === "records") {
    if (outcome.results.length === 0) yield skip("empty", "no records in it");
    yield* outcome.results;
    return;
  }
  if (outcome.kind === "images") {
    yield skip("unreadable", "the extraction thread answered with images, not a document");
    return;
  }
  const renderedPages = outcome.pageImages ?? [];
  const document =
    ocr && outcome.textlessPages && outcome.textlessPages.length > 0
      ? await withOcrText(outcome.document, outcome.textlessPages, ocr, (page) =>
          pageImages(path, id, read.bytes, budgets, page),
        )
      : outcome.document;
  let titled: LoadedDocument = {
    ...document,
    fileSha256,
    title: document.title || basename(path, extname(path)),
  };
  const embedded =
    outcome.imageReferences && outcome.imageReferences.length > 0
      ? await loadEmbeddedImages(
          titled,
          outcome.imageReferences,
          imageRoot,
          resolveEmbeddedImageOptions(formatOptions.images),
        )
      : undefined;
  if (embedded && embedded.warnings.length > 0) {
    titled = { ...titled, warnings: [...(titled.warnings ?? []), ...embedded.warnings] };
  }
  if (document.text.trim().length === 0) {
    if (renderedPages.length === 0) {
      const hint = format === "pdf" ? " (a scanned PDF needs OCR first, or pdf.pageImages)" : "";
      yield skip("empty", `no text could be extracted${hint}`);
      return;
    }
  } else {
    yield titled;
    if (embedded) yield* embedded.documents;
  }
  // Without a text document, the images carry what the reader noticed (e.g. no text layer).
  const carried = document.text.trim().length === 0 ? document.warnings : undefined;
  for (const rendered of renderedPages) {
    const image = pageImageDocument(titled, rendered);
    if (image) yield carried ? { ...image, warnings: carried } : image;
    else {
      yield skip(
        "unsupported",
        `page ${rendered.page}'s image document id ("${id}#page=${rendered.page}") is over core's 512-byte id limit (a shorter path keeps it)`,
      );
    }
  }
}

/** The images of one PDF page, decoded on the extraction thread (within the file's budgets). */
async function pageImages(
  source: string,
  id: string,
  bytes: Uint8Array,
  budgets: Required<LoadBudgets>,
  page: number,
): Promise<readonly OcrPageImage[]> {
  const outcome = await sharedExtractionThread.extract({
    format: "pdf",
    id,
    source,
    bytes,
    budgets,
    imagesOfPage: page,
  });
  if (outcome.kind === "images") return outcome.images;
  throw new Error(outcome.kind === "refused" ? outcome.reason : "no images came back");
}
/**
 * Asked with a file's document id and the SHA-256 of its bytes before it is extracted: true when
 * the caller already holds that document (an incremental ingest), which skips the extraction.
 */
export type UnchangedFile = (id: string, fileSha256: string) => boolean;

export type BoundedRead =
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "skipped"; readonly code: SkipCode; readonly reason: string };

/** Larger than `deferAbove`: not read (a read ahead leaves it to the file's turn). */
export interface DeferredRead {
  readonly kind: "deferred";
}

/** True when `readFileResults` reads the whole file at `path` (by its extension) before extracting. */
export function readsWholeFile(path: string): boolean {
  return formats[extname(path).toLowerCase()] !== undefined;
}

/**
 * Reads a whole file through one handle, so a file replaced between the check and the read is
 * still one file. A file over `deferAbove` bytes is not read (`deferred`).
 */
export function readBounded(path: string, maxBytes: number): Promise<BoundedRead>;
export function readBounded(
  path: string,
  maxBytes: number,
  deferAbove: number,
): Promise<BoundedRead | DeferredRead>;
export async function readBounded(
  path: string,
  maxBytes: number,
  deferAbove = Number.POSITIVE_INFINITY,
): Promise<BoundedRead | DeferredRead> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    return failedRead(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      return {
        kind: "skipped",
        code: "vanished",
        reason: "no longer a regular file when it was read",
      };
    }
    if (info.size > maxBytes) {
      return {
        kind: "skipped",
        code: "over-budget",
        reason: `${info.size} bytes, over the ${maxBytes}-byte budget (raise maxFileBytes)`,
      };
    }
    if (info.size > deferAbove) return { kind: "deferred" };
    const bytes = await handle.readFile();
    // It may have grown after the check.
    if (bytes.length > maxBytes) {
      return {
        kind: "skipped",
        code: "over-budget",
        reason: `grew to ${bytes.length} bytes while read, over the ${maxBytes}-byte budget (raise maxFileBytes)`,
      };
    }
    return { kind: "bytes", bytes };
  } catch (error) {
    return failedRead(error);
  } finally {
    await handle.close();
  }
}

function failedRead(error: unknown): BoundedRead {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") {
    return {
      kind: "skipped",
      code: "vanished",
      reason: "it no longer exists (removed while loading)",
    };
  }
  return {
    kind: "skipped",
    code: "unreadable",
    reason: `could not be read: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** The per-format settings among `loadFile`/`loadFolder` options (plain data, for the extraction thread). */
export function formatOptionsOf(options: FormatOptions): FormatOptions {
  return {
    ...(options.csv ? { csv: options.csv } : {}),
    ...(options.json ? { json: options.json } : {}),
    ...(options.pdf ? { pdf: resolvePdfOptions(options.pdf) } : {}),
    ...(options.images ? { images: resolveEmbeddedImageOptions(options.images) } : {}),
  };
}

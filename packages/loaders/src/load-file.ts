import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { basename, extname } from "node:path";
import { documentIdSchema, parseWithSchema } from "@hybrid-rag/core";
import type { ExtractionTask } from "./extract-document.ts";
import { sharedExtractionThread } from "./extraction-thread.ts";
import { keepFirstOfEachId } from "./keep-first-of-each-id.ts";
import { type LoadBudgets, resolveBudgets } from "./load-budgets.ts";
import { readJsonLines } from "./load-json-lines.ts";
import type { LoadResult, SkipCode, SkippedSource } from "./loaded-document.ts";
import { printablePath } from "./printable-path.ts";

/** The budgets one file may use (see `LoadBudgets`); every one has a default. */
export interface LoadFileOptions extends LoadBudgets {}

/** File name endings each loader reads (lower case). */
export const supportedExtensions = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl"];

const formats: Record<string, ExtractionTask["format"]> = {
  ".txt": "txt",
  ".md": "md",
  ".markdown": "md",
  ".html": "html",
  ".htm": "html",
  ".pdf": "pdf",
};

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
  yield* keepFirstOfEachId(readFileResults(path, id, budgets));
}

/** `loadFile` without the duplicate rule (a folder load applies it across all its files). */
export async function* readFileResults(
  path: string,
  id: string,
  budgets: Required<LoadBudgets>,
  unchangedFile?: UnchangedFile,
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
  const read = await readBounded(path, budgets.maxFileBytes);
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
  });
  if (outcome.kind === "refused") {
    yield skip(outcome.code, outcome.reason);
    return;
  }
  const document = outcome.document;
  if (document.text.trim().length === 0) {
    const hint = format === "pdf" ? " (a scanned PDF needs OCR first)" : "";
    yield skip("empty", `no text could be extracted${hint}`);
    return;
  }
  yield { ...document, fileSha256, title: document.title || basename(path, extname(path)) };
}

/**
 * Asked with a file's document id and the SHA-256 of its bytes before it is extracted: true when
 * the caller already holds that document (an incremental ingest), which skips the extraction.
 */
export type UnchangedFile = (id: string, fileSha256: string) => boolean;

type BoundedRead =
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "skipped"; readonly code: SkipCode; readonly reason: string };

/** Reads a whole file through one handle, so a file replaced between the check and the read is still one file. */
async function readBounded(path: string, maxBytes: number): Promise<BoundedRead> {
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

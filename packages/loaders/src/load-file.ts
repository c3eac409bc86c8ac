import { readFile, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parseHtml } from "./load-html.ts";
import { loadJsonLines } from "./load-json-lines.ts";
import { parseMarkdown } from "./load-markdown.ts";
import { parsePdf } from "./load-pdf.ts";
import { parsePlainText } from "./load-text.ts";
import type { LoadedDocument, LoadResult } from "./loaded-document.ts";

export interface LoadFileOptions {
  /** Files larger than this are reported as skipped, not read (default 100 MiB). */
  readonly maxFileBytes?: number;
}

export const defaultMaxFileBytes = 100 * 1024 * 1024;

/** File name endings each loader reads (lower case). */
export const supportedExtensions = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl"];

/**
 * Loads one file by its extension. `id` names the document (a folder load passes the path
 * relative to the folder). Whatever goes wrong becomes a `skipped` result with the reason:
 * this function does not throw for a bad file.
 */
export async function* loadFile(
  path: string,
  id: string,
  options: LoadFileOptions = {},
): AsyncGenerator<LoadResult> {
  const extension = extname(path).toLowerCase();
  if (!supportedExtensions.includes(extension)) {
    yield {
      kind: "skipped",
      source: path,
      reason: `unsupported file type "${extension || "(no extension)"}" (supported: ${supportedExtensions.join(", ")})`,
    };
    return;
  }
  try {
    const size = (await stat(path)).size;
    const limit = options.maxFileBytes ?? defaultMaxFileBytes;
    if (size > limit) {
      yield {
        kind: "skipped",
        source: path,
        reason: `${size} bytes is over the ${limit}-byte limit (raise maxFileBytes)`,
      };
      return;
    }
    if (extension === ".jsonl") {
      yield* loadJsonLines(path);
      return;
    }
    const document = await parseByExtension(extension, path, id);
    if (document.text.trim().length === 0) {
      const hint = extension === ".pdf" ? " (a scanned PDF needs OCR first)" : "";
      yield { kind: "skipped", source: path, reason: `no text could be extracted${hint}` };
      return;
    }
    yield document.title ? document : { ...document, title: basename(path, extension) };
  } catch (error) {
    yield { kind: "skipped", source: path, reason: `could not be read: ${describe(error)}` };
  }
}

async function parseByExtension(
  extension: string,
  path: string,
  id: string,
): Promise<LoadedDocument> {
  if (extension === ".pdf") return parsePdf(id, path, await readFile(path));
  const content = await readFile(path, "utf8");
  if (extension === ".md" || extension === ".markdown") return parseMarkdown(id, path, content);
  if (extension === ".html" || extension === ".htm") return parseHtml(id, path, content);
  return parsePlainText(id, path, content);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

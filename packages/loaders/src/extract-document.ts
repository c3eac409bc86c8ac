import { declaredHtmlCharset, decodeText } from "./decode-text.ts";
import {
  type EmbeddedImageReference,
  htmlImageReferences,
  markdownImageReferences,
} from "./embedded-image-references.ts";
import type { FormatOptions } from "./format-options.ts";
import type { LoadBudgets } from "./load-budgets.ts";
import { parseCsv } from "./load-csv.ts";
import { parseDocx } from "./load-docx.ts";
import { parseEpub } from "./load-epub.ts";
import { parseHtml } from "./load-html.ts";
import { parseJsonRecords } from "./load-json.ts";
import { parseMarkdown } from "./load-markdown.ts";
import { parseOdt } from "./load-odt.ts";
import { parsePdf } from "./load-pdf.ts";
import { parsePptx } from "./load-pptx.ts";
import { parseRst } from "./load-rst.ts";
import { parsePlainText } from "./load-text.ts";
import type { LoadedDocument, LoadResult, SkipCode } from "./loaded-document.ts";
import { htmlDepth, jsonDepth, markdownDepth } from "./markup-depth.ts";
import type { OcrPageImage } from "./ocr.ts";
import { type RenderedPage, resolvePdfOptions } from "./pdf-page-images.ts";
import { checkTextLayer, pdfPageImages } from "./pdf-scans.ts";
import { Refusal } from "./refusal.ts";
import { SourceLocator } from "./source-locator.ts";
import type { SourceEncoding } from "./source-segments.ts";

/** The formats read as one whole file on the extraction thread. */
export type ExtractedFormat =
  | "txt"
  | "md"
  | "html"
  | "pdf"
  | "docx"
  | "pptx"
  | "odt"
  | "epub"
  | "csv"
  | "json"
  | "rst";

/** One whole-file extraction, as sent to the extraction thread. */
export interface ExtractionTask {
  readonly format: ExtractedFormat;
  readonly id: string;
  readonly source: string;
  readonly bytes: Uint8Array;
  readonly budgets: Required<LoadBudgets>;
  readonly formatOptions?: FormatOptions;
  /** PDF: an OCR function is set, so pages without a text layer are returned to be read, not reported. */
  readonly ocr?: boolean;
  /** PDF: only decode the images painted on this page (for OCR). */
  readonly imagesOfPage?: number;
}

export type ExtractionOutcome =
  | {
      readonly kind: "document";
      readonly document: LoadedDocument;
      /** PDF pages without a text layer (only when the task asked for OCR). */
      readonly textlessPages?: readonly number[];
      /** PDF page images (only when `formatOptions.pdf.pageImages` asks for them). */
      readonly pageImages?: readonly RenderedPage[];
      /** HTML / Markdown: the images it shows (only when `formatOptions.images.embedded`). */
      readonly imageReferences?: readonly EmbeddedImageReference[];
    }
  | { readonly kind: "images"; readonly images: readonly OcrPageImage[] }
  /** A file of records (CSV rows, JSON records): a document or a skipped record each. */
  | { readonly kind: "records"; readonly results: readonly LoadResult[] }
  | { readonly kind: "refused"; readonly code: SkipCode; readonly reason: string };

const archiveParsers = { docx: parseDocx, pptx: parsePptx, odt: parseOdt, epub: parseEpub };

/**
 * Sniffs, decodes and parses one file within its budgets (all but the wall time, which the
 * caller enforces by stopping the thread this runs on). Parser failures become `unreadable`.
 */
export async function extractDocument(task: ExtractionTask): Promise<ExtractionOutcome> {
  const { format, id, source, bytes, budgets } = task;
  try {
    if (format === "pdf" && task.imagesOfPage !== undefined) {
      return { kind: "images", images: await pdfPageImages(bytes, task.imagesOfPage) };
    }
    if (format === "pdf") {
      const textlessPages: number[] = [];
      const pageImages: RenderedPage[] = [];
      const document = await extractPdf(task, textlessPages, pageImages);
      const outcome = withPageImages(checkCharacters(document, budgets), pageImages);
      if (outcome.kind !== "document" || textlessPages.length === 0) return outcome;
      if (task.ocr) return { ...outcome, textlessPages };
      const checked = checkTextLayer(document, textlessPages);
      // A scanned PDF whose pages were rendered is not empty: its page images are its content.
      if (checked.kind === "refused" && pageImages.length > 0) {
        return {
          ...outcome,
          document: {
            ...document,
            text: "",
            pages: [],
            warnings: [
              ...(document.warnings ?? []),
              `no text layer (${checked.reason.replace(/^no text layer: /, "")}); its page images are loaded`,
            ],
          },
        };
      }
      return withPageImages(checked, pageImages);
    }
    if (format === "docx" || format === "pptx" || format === "odt" || format === "epub") {
      const parse = archiveParsers[format];
      return checkCharacters(await parse(id, source, bytes, budgets), budgets);
    }
    const decoded = decodeText(bytes, format === "html" ? declaredHtmlCharset(bytes) : undefined);
    if (decoded.kind === "refused") return decoded;
    const depth =
      format === "html"
        ? htmlDepth(decoded.text)
        : format === "md"
          ? markdownDepth(decoded.text)
          : format === "json"
            ? jsonDepth(decoded.text)
            : 0;
    if (depth > budgets.maxDepth) {
      return {
        kind: "refused",
        code: "over-budget",
        reason: `nested ${depth} levels deep, over the ${budgets.maxDepth}-level budget (raise maxDepth)`,
      };
    }
    const encoding: SourceEncoding = {
      encoding: decoded.encoding,
      byteOrderMarkBytes: byteOrderMarkBytes(bytes, decoded.encoding),
    };
    if (format === "csv" || format === "json") {
      // Records are budgeted as the whole file's text (their documents are many and small).
      if (decoded.text.length > budgets.maxCharacters) {
        return {
          kind: "refused",
          code: "over-budget",
          reason: `a file of ${decoded.text.length} characters, over the ${budgets.maxCharacters}-character budget (raise maxCharacters, or write the records as JSON Lines, which are streamed)`,
        };
      }
      const results =
        format === "csv"
          ? parseCsv(id, source, decoded.text, encoding, task.formatOptions?.csv ?? {})
          : parseJsonRecords(id, source, decoded.text, encoding, task.formatOptions?.json ?? {});
      const warning = decoded.warning;
      return {
        kind: "records",
        results: warning
          ? results.map((result) =>
              result.kind === "document" ? { ...result, warnings: [warning] } : result,
            )
          : results,
      };
    }
    const document =
      format === "rst"
        ? parseRst(id, source, decoded.text, encoding)
        : (format === "html" ? parseHtml : format === "md" ? parseMarkdown : parsePlainText)(
            id,
            source,
            new SourceLocator(decoded.text, { encoding: decoded.encoding, bytes }),
          );
    const checked = checkCharacters(document, budgets);
    if (checked.kind !== "document") return checked;
    const imageReferences =
      task.formatOptions?.images?.embedded && (format === "html" || format === "md")
        ? (format === "html" ? htmlImageReferences : markdownImageReferences)(decoded.text)
        : undefined;
    return {
      kind: "document",
      document:
        decoded.warning === undefined ? document : { ...document, warnings: [decoded.warning] },
      ...(imageReferences && imageReferences.length > 0 ? { imageReferences } : {}),
    };
  } catch (error) {
    if (error instanceof Refusal)
      return { kind: "refused", code: error.code, reason: error.message };
    return {
      kind: "refused",
      code: "unreadable",
      reason: `could not be parsed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function withPageImages(
  outcome: ExtractionOutcome,
  pageImages: readonly RenderedPage[],
): ExtractionOutcome {
  if (outcome.kind !== "document" || pageImages.length === 0) return outcome;
  return { ...outcome, pageImages };
}

async function extractPdf(
  task: ExtractionTask,
  textlessPages: number[],
  pageImages: RenderedPage[],
): Promise<LoadedDocument> {
  const head = Buffer.from(
    task.bytes.buffer,
    task.bytes.byteOffset,
    Math.min(task.bytes.length, 1024),
  );
  if (head.indexOf("%PDF-") === -1) {
    const what = head.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))
      ? "a ZIP archive named .pdf"
      : "not a PDF";
    throw new Refusal("binary", `${what} (no %PDF- header in its first 1,024 bytes)`);
  }
  return parsePdf(
    task.id,
    task.source,
    task.bytes,
    task.budgets,
    textlessPages,
    resolvePdfOptions(task.formatOptions?.pdf),
    pageImages,
  );
}

/** Bytes of the byte-order mark the decoder dropped (offsets into the file count them). */
function byteOrderMarkBytes(bytes: Uint8Array, encoding: string): number {
  if (encoding === "utf-8")
    return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (encoding.startsWith("utf-16")) return 2;
  return 0;
}

function checkCharacters(
  document: LoadedDocument,
  budgets: Required<LoadBudgets>,
): ExtractionOutcome {
  if (document.text.length > budgets.maxCharacters) return overCharacters(document.text, budgets);
  return { kind: "document", document };
}

function overCharacters(text: string, budgets: Required<LoadBudgets>): ExtractionOutcome {
  return {
    kind: "refused",
    code: "over-budget",
    reason: `${text.length} characters of text, over the ${budgets.maxCharacters}-character budget (raise maxCharacters)`,
  };
}

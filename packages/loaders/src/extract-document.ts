import { declaredHtmlCharset, decodeText } from "./decode-text.ts";
import type { LoadBudgets } from "./load-budgets.ts";
import { parseHtml } from "./load-html.ts";
import { parseMarkdown } from "./load-markdown.ts";
import { parsePdf } from "./load-pdf.ts";
import { parsePlainText } from "./load-text.ts";
import type { LoadedDocument, SkipCode } from "./loaded-document.ts";
import { htmlDepth, markdownDepth } from "./markup-depth.ts";
import { Refusal } from "./refusal.ts";
import { SourceLocator } from "./source-locator.ts";

/** One whole-file extraction, as sent to the extraction thread. */
export interface ExtractionTask {
  readonly format: "txt" | "md" | "html" | "pdf";
  readonly id: string;
  readonly source: string;
  readonly bytes: Uint8Array;
  readonly budgets: Required<LoadBudgets>;
}

export type ExtractionOutcome =
  | { readonly kind: "document"; readonly document: LoadedDocument }
  | { readonly kind: "refused"; readonly code: SkipCode; readonly reason: string };

/**
 * Sniffs, decodes and parses one file within its budgets (all but the wall time, which the
 * caller enforces by stopping the thread this runs on). Parser failures become `unreadable`.
 */
export async function extractDocument(task: ExtractionTask): Promise<ExtractionOutcome> {
  const { format, id, source, bytes, budgets } = task;
  try {
    if (format === "pdf") return checkCharacters(await extractPdf(task), budgets);
    const decoded = decodeText(bytes, format === "html" ? declaredHtmlCharset(bytes) : undefined);
    if (decoded.kind === "refused") return decoded;
    const depth =
      format === "html"
        ? htmlDepth(decoded.text)
        : format === "md"
          ? markdownDepth(decoded.text)
          : 0;
    if (depth > budgets.maxDepth) {
      return {
        kind: "refused",
        code: "over-budget",
        reason: `nested ${depth} levels deep, over the ${budgets.maxDepth}-level budget (raise maxDepth)`,
      };
    }
    const parse = format === "html" ? parseHtml : format === "md" ? parseMarkdown : parsePlainText;
    const original = new SourceLocator(decoded.text, { encoding: decoded.encoding, bytes });
    const document = parse(id, source, original);
    const outcome = checkCharacters(document, budgets);
    if (outcome.kind === "refused" || decoded.warning === undefined) return outcome;
    return { kind: "document", document: { ...document, warnings: [decoded.warning] } };
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

async function extractPdf(task: ExtractionTask): Promise<LoadedDocument> {
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
  return parsePdf(task.id, task.source, task.bytes, task.budgets);
}

function checkCharacters(
  document: LoadedDocument,
  budgets: Required<LoadBudgets>,
): ExtractionOutcome {
  if (document.text.length > budgets.maxCharacters) {
    return {
      kind: "refused",
      code: "over-budget",
      reason: `${document.text.length} characters of text, over the ${budgets.maxCharacters}-character budget (raise maxCharacters)`,
    };
  }
  return { kind: "document", document };
}

import { extractText, getDocumentProxy, getMeta } from "unpdf";
import type { LoadedDocument } from "./loaded-document.ts";
import { TextBuilder } from "./text-builder.ts";

/**
 * PDF text through pdf.js (the `unpdf` build for servers), page by page, so every chunk can
 * cite its page. The title is the PDF's Title metadata when it has one.
 */
export async function parsePdf(
  id: string,
  source: string,
  bytes: Uint8Array,
): Promise<LoadedDocument> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const { text: pages } = await extractText(pdf, { mergePages: false });
    const builder = new TextBuilder();
    pages.forEach((pageText, index) => {
      builder.page(index + 1, pageText);
    });
    const { text, headings, pages: pageHints } = builder.build();
    const meta = await getMeta(pdf).catch(() => undefined);
    const infoTitle = (meta?.info as { Title?: unknown } | undefined)?.Title;
    const title = typeof infoTitle === "string" && infoTitle.trim() ? infoTitle.trim() : undefined;
    return {
      kind: "document",
      id,
      source,
      format: "pdf",
      text,
      ...(title ? { title } : {}),
      headings,
      pages: pageHints,
    };
  } finally {
    // Frees the worker-side document (fonts, parsed pages).
    await pdf.loadingTask.destroy();
  }
}

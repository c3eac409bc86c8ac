import { getDocumentProxy, getMeta } from "unpdf";
import type { LoadedDocument } from "./loaded-document.ts";
import { outlineHeadings, readOutline } from "./pdf-outline.ts";
import {
  defaultPdfOptions,
  pdfCanvasFactory,
  type RenderedPage,
  type ResolvedPdfOptions,
  renderPdfPage,
  wantsPageImage,
} from "./pdf-page-images.ts";
import { Refusal } from "./refusal.ts";
import { resolveSegments } from "./resolve-segments.ts";
import { SourceLocator } from "./source-locator.ts";
import { TextBuilder } from "./text-builder.ts";
import { lacksTextLayer } from "./text-layer.ts";

/**
 * PDF text through pdf.js (the `unpdf` build for servers), page by page, so every chunk can
 * cite its page (its physical number and its printed label, from the PDF's /PageLabels), and
 * the outline (bookmarks) as headings. The title is the PDF's Title metadata when it has one. Pages are read one at a
 * time (not all at once) and the page count and the text length are checked against the budgets
 * before more is read.
 */
export async function parsePdf(
  id: string,
  source: string,
  bytes: Uint8Array,
  budgets: { readonly maxPages: number; readonly maxCharacters: number },
  /** Filled with the pages that have no text layer (scanned), for the caller to report or OCR. */
  textlessPages: number[] = [],
  pdfOptions: ResolvedPdfOptions = defaultPdfOptions,
  /** Filled with the page images `pdfOptions.pageImages` asks for. */
  renderedPages: RenderedPage[] = [],
): Promise<LoadedDocument> {
  // pdf.js refuses a Buffer; a view of the same bytes is enough (this copy is the thread's own).
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The canvas module is loaded only when pages are rendered: text-only loads pay nothing.
  const CanvasFactory = pdfOptions.pageImages === "none" ? undefined : await pdfCanvasFactory();
  const pdf = await getDocumentProxy(data, CanvasFactory ? { CanvasFactory } : {}).catch(
    (error: unknown) => {
      if ((error as { name?: unknown }).name === "PasswordException") {
        throw new Refusal("encrypted", "an encrypted PDF (it needs a password to be read)");
      }
      throw error;
    },
  );
  try {
    if (pdf.numPages > budgets.maxPages) {
      throw new Refusal(
        "over-budget",
        `${pdf.numPages} pages, over the ${budgets.maxPages}-page budget (raise maxPages)`,
      );
    }
    const builder = new TextBuilder();
    const labels = await pdf.getPageLabels().catch(() => null);
    const pageTexts = new Map<number, SourceLocator>();
    const itemTops = new Map<number, Array<readonly [number, number]>>();
    let characters = 0;
    const warnings: string[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      // The page text every offset of the page points into: items joined, an item that ends a
      // line followed by "\n"; each item's top (y) kept to place outline targets.
      let pageText = "";
      const tops: Array<readonly [number, number]> = [];
      for (const item of content.items) {
        if (!("str" in item)) continue;
        tops.push([pageText.length, item.transform[5] as number]);
        pageText += item.str + (item.hasEOL ? "\n" : "");
      }
      itemTops.set(number, tops);
      pageTexts.set(number, new SourceLocator(pageText, { lines: false }));
      if (await lacksTextLayer(page, pageText)) textlessPages.push(number);
      if (CanvasFactory && wantsPageImage(pdfOptions.pageImages, pageText)) {
        const rendered = await renderPdfPage(page, number, pdfOptions, CanvasFactory, warnings);
        if (rendered) renderedPages.push(rendered);
      }
      page.cleanup();
      characters += pageText.length;
      if (characters > budgets.maxCharacters) {
        throw new Refusal(
          "over-budget",
          `more than ${budgets.maxCharacters} characters of text by page ${number} (raise maxCharacters)`,
        );
      }
      builder.page(number, pageText, labels?.[number - 1] || undefined);
    }
    const { text, pages: pageHints, segments } = builder.build();
    const headings = outlineHeadings(await readOutline(pdf), segments, itemTops);
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
      segments: resolveSegments(segments, (segment) => pageTexts.get(segment.page ?? 0)!),
      encoding: "utf-8",
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } finally {
    // Frees the worker-side document (fonts, parsed pages).
    await pdf.loadingTask.destroy();
  }
}

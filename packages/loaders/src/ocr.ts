import type { LoadedDocument } from "./loaded-document.ts";
import { TextBuilder } from "./text-builder.ts";
import { pageRanges } from "./text-layer.ts";

/** One image painted on a PDF page, as decoded pixels (row by row, `channels` bytes a pixel: 1 grey, 3 RGB, 4 RGBA). */
export interface OcrPageImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
  readonly data: Uint8ClampedArray;
}

/** A page without a text layer, for an OCR engine to read. */
export interface OcrRequest {
  /** The PDF file. */
  readonly source: string;
  /** The page's 1-based number. */
  readonly pageNumber: number;
  /** The images painted on the page (a scanned page has one, the scan), in drawing order. */
  readonly images: readonly OcrPageImage[];
}

/**
 * Reads the text of a scanned page (e.g. with tesseract.js). Called on the loading thread, one
 * page at a time, only for pages without a text layer; its time is not part of `fileTimeoutMs`.
 */
export type OcrFunction = (request: OcrRequest) => Promise<string>;

/**
 * The document with the text `ocr` reads on its pages without a text layer in place of what
 * little text they had, page order kept; a page the function fails on keeps its own text and the
 * failure becomes a warning.
 */
export async function withOcrText(
  document: LoadedDocument,
  textlessPages: readonly number[],
  ocr: OcrFunction,
  imagesOf: (pageNumber: number) => Promise<readonly OcrPageImage[]>,
): Promise<LoadedDocument> {
  const pageTexts = new Map(
    document.pages.map((page) => [page.number, document.text.slice(page.start, page.end)] as const),
  );
  const read: number[] = [];
  const warnings = [...(document.warnings ?? [])];
  for (const pageNumber of textlessPages) {
    try {
      const images = await imagesOf(pageNumber);
      const text = await ocr({ source: document.source, pageNumber, images });
      pageTexts.set(pageNumber, text);
      read.push(pageNumber);
    } catch (error) {
      warnings.push(
        `OCR failed on page ${pageNumber} (${error instanceof Error ? error.message : String(error)}): its text is missing`,
      );
    }
  }
  const builder = new TextBuilder();
  for (const number of [...pageTexts.keys()].sort((a, b) => a - b)) {
    builder.page(number, pageTexts.get(number) ?? "");
  }
  const { text, pages } = builder.build();
  if (read.length > 0) {
    warnings.push(
      `the text of page${read.length === 1 ? "" : "s"} ${pageRanges(read)} was read by OCR (no text layer)`,
    );
  }
  return {
    ...document,
    text,
    pages: pages.map((page) => {
      const label = document.pages.find((known) => known.number === page.number)?.label;
      return label === undefined ? page : { ...page, label };
    }),
    // Headings point into the text before OCR; those of the pages kept are re-found by text.
    headings: document.headings.flatMap((heading) => {
      const start = text.indexOf(heading.text);
      return start === -1 ? [] : [{ ...heading, start }];
    }),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

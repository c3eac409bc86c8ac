import { extractImages, getDocumentProxy } from "unpdf";
import type { ExtractionOutcome } from "./extract-document.ts";
import type { LoadedDocument } from "./loaded-document.ts";
import type { OcrPageImage } from "./ocr.ts";
import { pageRanges } from "./text-layer.ts";

/**
 * A PDF whose pages lack a text layer is never indexed as the few characters it has: when no page
 * has one it is skipped (`empty`) saying so; when some pages lack one the document says which
 * (a warning). Both point to the `ocr` option.
 */
export function checkTextLayer(
  document: LoadedDocument,
  textlessPages: readonly number[],
): ExtractionOutcome {
  const textless = new Set(textlessPages);
  const pages = `page${textlessPages.length === 1 ? "" : "s"} ${pageRanges(textlessPages)}`;
  if (document.pages.every((page) => textless.has(page.number))) {
    const characters = document.text.replace(/\s+/g, "").length;
    return {
      kind: "refused",
      code: "empty",
      reason: `no text layer: ${pages} show${textlessPages.length === 1 ? "s" : ""} an image and ${characters} character${characters === 1 ? "" : "s"} of text in all (a scanned PDF?); enable OCR (the ocr option) to read it`,
    };
  }
  const warning = `${pages} ha${textlessPages.length === 1 ? "s" : "ve"} no text layer (scanned?), so their text is missing; enable OCR (the ocr option) to read them`;
  return {
    kind: "document",
    document: { ...document, warnings: [...(document.warnings ?? []), warning] },
  };
}

/** The images a PDF page paints, decoded (for OCR). */
export async function pdfPageImages(
  bytes: Uint8Array,
  pageNumber: number,
): Promise<OcrPageImage[]> {
  const pdf = await getDocumentProxy(
    new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  );
  try {
    return (await extractImages(pdf, pageNumber)).map(({ width, height, channels, data }) => ({
      width,
      height,
      channels,
      data,
    }));
  } finally {
    await pdf.loadingTask.destroy();
  }
}

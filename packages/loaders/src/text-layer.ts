import { getResolvedPDFJS } from "unpdf";

/** Fewer non-blank characters than this on a page that paints an image: a page without a text layer. */
export const minTextLayerCharacters = 16;

/** What pdf.js lets this check read of a page: its drawing operators. */
interface PageOperators {
  getOperatorList(): Promise<{ readonly fnArray: readonly number[] }>;
}

/**
 * Whether a PDF page looks scanned: (almost) no text, and an image painted on it. Only pages with
 * little text have their operators read, so text PDFs pay nothing for the check.
 */
export async function lacksTextLayer(page: PageOperators, pageText: string): Promise<boolean> {
  if (pageText.replace(/\s+/g, "").length >= minTextLayerCharacters) return false;
  const { OPS } = await getResolvedPDFJS();
  const imageOperators = new Set([
    OPS.paintImageXObject,
    OPS.paintInlineImageXObject,
    OPS.paintImageMaskXObject,
    OPS.paintImageXObjectRepeat,
  ]);
  const { fnArray } = await page.getOperatorList();
  return fnArray.some((operator) => imageOperators.has(operator));
}

/** "1–3, 7": page numbers as ranges, for messages. */
export function pageRanges(pages: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    const first = pages[i]!;
    while (i + 1 < pages.length && pages[i + 1] === pages[i]! + 1) i++;
    ranges.push(first === pages[i] ? String(first) : `${first}–${pages[i]}`);
  }
  return ranges.join(", ");
}

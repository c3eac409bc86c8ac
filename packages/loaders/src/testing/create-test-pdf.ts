import {
  PDFArray,
  type PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  type PDFRef,
  StandardFonts,
} from "pdf-lib";

export interface TestPdfOptions {
  readonly title?: string;
  /** The text of each page; lines are wrapped at `lineLength` characters. */
  readonly pages: readonly string[];
  readonly lineLength?: number;
  /**
   * /PageLabels ranges: from 1-based `page` on, numbered in `style` (D arabic, r/R roman, a/A
   * letters) from `start` (default 1) after `prefix`.
   */
  readonly pageLabels?: ReadonlyArray<{
    readonly page: number;
    readonly style?: "D" | "r" | "R" | "a" | "A";
    readonly prefix?: string;
    readonly start?: number;
  }>;
  /** Bookmarks: each points at a page (1-based) and the top of one of its paragraphs (0-based). */
  readonly outline?: readonly TestOutlineEntry[];
}

export interface TestOutlineEntry {
  readonly title: string;
  readonly page: number;
  readonly paragraph?: number;
  readonly children?: readonly TestOutlineEntry[];
}

/** Writes a real PDF (text drawn with a standard font, one string per page) for loader tests. */
export async function createTestPdf(options: TestPdfOptions): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (options.title) pdf.setTitle(options.title);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const paragraphTops: number[][] = [];
  for (const text of options.pages) {
    const page = pdf.addPage([612, 792]);
    let y = 740;
    const tops: number[] = [];
    paragraphTops.push(tops);
    for (const paragraph of text.split(/\n\s*\n/)) {
      tops.push(y + 10);
      for (const line of wrap(paragraph.replace(/\s+/g, " ").trim(), options.lineLength ?? 90)) {
        page.drawText(line, { x: 50, y, size: 10, font });
        y -= 14;
      }
      y -= 14;
    }
  }
  if (options.pageLabels) {
    const nums = options.pageLabels.flatMap((range) => [
      range.page - 1,
      pdf.context.obj({
        ...(range.style ? { S: range.style } : {}),
        ...(range.prefix ? { P: PDFHexString.fromText(range.prefix) } : {}),
        ...(range.start ? { St: range.start } : {}),
      }),
    ]);
    pdf.catalog.set(PDFName.of("PageLabels"), pdf.context.obj({ Nums: nums }));
  }
  if (options.outline) addOutline(pdf, options.outline, paragraphTops);
  return pdf.save();
}

/** Writes an /Outlines tree (first/last/next/prev/parent links, explicit /XYZ destinations). */
function addOutline(
  pdf: PDFDocument,
  entries: readonly TestOutlineEntry[],
  paragraphTops: readonly number[][],
): void {
  const pages = pdf.getPages();
  const root = pdf.context.obj({ Type: "Outlines" });
  const rootRef = pdf.context.register(root);
  const addLevel = (list: readonly TestOutlineEntry[], parentRef: PDFRef, parent: PDFDict) => {
    const refs = list.map(() => pdf.context.nextRef());
    list.forEach((entry, index) => {
      const destination = PDFArray.withContext(pdf.context);
      destination.push(pages[entry.page - 1]!.ref);
      destination.push(PDFName.of("XYZ"));
      destination.push(PDFNumber.of(0));
      destination.push(PDFNumber.of(paragraphTops[entry.page - 1]?.[entry.paragraph ?? 0] ?? 792));
      destination.push(PDFNull);
      const item = pdf.context.obj({});
      item.set(PDFName.of("Title"), PDFHexString.fromText(entry.title));
      item.set(PDFName.of("Parent"), parentRef);
      item.set(PDFName.of("Dest"), destination);
      if (index > 0) item.set(PDFName.of("Prev"), refs[index - 1]!);
      if (index + 1 < list.length) item.set(PDFName.of("Next"), refs[index + 1]!);
      if (entry.children?.length) addLevel(entry.children, refs[index]!, item);
      pdf.context.assign(refs[index]!, item);
    });
    parent.set(PDFName.of("First"), refs[0]!);
    parent.set(PDFName.of("Last"), refs[refs.length - 1]!);
    parent.set(PDFName.of("Count"), PDFNumber.of(list.length));
  };
  addLevel(entries, rootRef, root);
  pdf.catalog.set(PDFName.of("Outlines"), rootRef);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line.length > 0 && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

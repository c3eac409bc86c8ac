import { PDFDocument, StandardFonts } from "pdf-lib";

export interface TestPdfOptions {
  readonly title?: string;
  /** The text of each page; lines are wrapped at `lineLength` characters. */
  readonly pages: readonly string[];
  readonly lineLength?: number;
}

/** Writes a real PDF (text drawn with a standard font, one string per page) for loader tests. */
export async function createTestPdf(options: TestPdfOptions): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (options.title) pdf.setTitle(options.title);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of options.pages) {
    const page = pdf.addPage([612, 792]);
    let y = 740;
    for (const paragraph of text.split(/\n\s*\n/)) {
      for (const line of wrap(paragraph.replace(/\s+/g, " ").trim(), options.lineLength ?? 90)) {
        page.drawText(line, { x: 50, y, size: 10, font });
        y -= 14;
      }
      y -= 14;
    }
  }
  return pdf.save();
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

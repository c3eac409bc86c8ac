import { PDFDocument, type PDFPage, rgb, StandardFonts } from "pdf-lib";

export interface ChartPdfOptions {
  readonly title?: string;
  /** The first page's text (it introduces the chart but does not give its values). */
  readonly intro: string;
  /** The bars of the chart on page 2: their heights, and their values written in vector digits. */
  readonly values: readonly number[];
}

// Seven-segment digits: a, b, c, d, e, f, g (top, top right, bottom right, bottom, bottom left, top left, middle).
const segments: Record<string, string> = {
  "0": "abcdef",
  "1": "bc",
  "2": "abdeg",
  "3": "abcdg",
  "4": "bcfg",
  "5": "acdfg",
  "6": "acdefg",
  "7": "abc",
  "8": "abcdefg",
  "9": "abcdfg",
};

/** Draws a number as filled rectangles (vector paths, no text): only a rendering shows it. */
function drawVectorNumber(page: PDFPage, value: number, x: number, y: number): void {
  const w = 10;
  const h = 10;
  const t = 2;
  const color = rgb(0.1, 0.1, 0.1);
  [...String(value)].forEach((digit, index) => {
    const left = x + index * (w + 6);
    const boxes: Record<string, [number, number, number, number]> = {
      a: [left, y + 2 * h, w, t],
      b: [left + w - t, y + h, t, h],
      c: [left + w - t, y, t, h],
      d: [left, y, w, t],
      e: [left, y, t, h],
      f: [left, y + h, t, h],
      g: [left, y + h - t / 2, w, t],
    };
    for (const segment of segments[digit] ?? "") {
      const [bx, by, bw, bh] = boxes[segment]!;
      page.drawRectangle({ x: bx, y: by, width: bw, height: bh, color });
    }
  });
}

/**
 * A two-page PDF: a text page, then a chart-only page (bars and their values drawn as vector
 * graphics, no text layer), so the chart's values are in the page image and nowhere in the text.
 */
export async function createChartPdf(options: ChartPdfOptions): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (options.title) pdf.setTitle(options.title);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const first = pdf.addPage([612, 792]);
  first.drawText(options.intro, { x: 50, y: 740, size: 11, font, maxWidth: 510, lineHeight: 15 });
  const chart = pdf.addPage([612, 792]);
  const max = Math.max(1, ...options.values);
  const slot = 480 / Math.max(1, options.values.length);
  options.values.forEach((value, index) => {
    const x = 70 + index * slot;
    const height = (value / max) * 400;
    chart.drawRectangle({
      x,
      y: 150,
      width: slot * 0.6,
      height,
      color: rgb(0.2, 0.35 + (0.5 * index) / Math.max(1, options.values.length), 0.7),
    });
    drawVectorNumber(chart, value, x, 160 + height);
  });
  chart.drawLine({ start: { x: 60, y: 150 }, end: { x: 560, y: 150 }, thickness: 1.5 });
  return pdf.save();
}

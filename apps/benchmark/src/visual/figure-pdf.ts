import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { drawVectorNumber, vectorNumberWidth } from "./vector-digits.ts";
import type { VisualFigure } from "./visual-charts.ts";

const quarters = ["Q1", "Q2", "Q3", "Q4"] as const;

/**
 * One US Letter page: a title and a line of text that name the site and the measure (the text
 * layer), and the four quarterly values as a bar chart or a table whose numbers are vector
 * shapes, so they are in the page image only. Deterministic bytes (no dates, no producer).
 */
export async function figurePdf(figure: VisualFigure): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([612, 792]);
  page.drawText(`${figure.measure.title} at ${figure.site}, 2025`, {
    x: 60,
    y: 720,
    size: 18,
    font,
  });
  page.drawText(
    `Quarterly figures for the ${figure.site} site. The values are shown in the ${figure.layout === "table" ? "table" : "chart"} below.`,
    { x: 60, y: 690, size: 11, font, maxWidth: 490 },
  );
  if (figure.layout === "table") drawTable(page, font, figure.values);
  else drawBarChart(page, font, figure.values);
  return pdf.save({ useObjectStreams: false });
}

function drawBarChart(page: PDFPage, font: PDFFont, values: readonly number[]): void {
  const base = 180;
  const slot = 110;
  values.forEach((value, index) => {
    const x = 90 + index * slot;
    const height = (value / 100) * 380;
    page.drawRectangle({
      x,
      y: base,
      width: 60,
      height,
      color: rgb(0.2, 0.4 + index * 0.12, 0.75),
    });
    drawVectorNumber(
      page,
      value,
      x + 30 - vectorNumberWidth(value, 22) / 2,
      base + height + 10,
      22,
    );
    page.drawText(quarters[index]!, { x: x + 20, y: base - 22, size: 12, font });
  });
  page.drawLine({ start: { x: 70, y: base }, end: { x: 540, y: base }, thickness: 1.5 });
}

function drawTable(page: PDFPage, font: PDFFont, values: readonly number[]): void {
  const left = 150;
  const top = 600;
  const rowHeight = 60;
  const widths = [140, 170];
  page.drawText("Quarter", { x: left + 20, y: top - 38, size: 14, font });
  page.drawText("Value", { x: left + widths[0]! + 20, y: top - 38, size: 14, font });
  values.forEach((value, index) => {
    const rowTop = top - (index + 1) * rowHeight;
    page.drawText(quarters[index]!, { x: left + 20, y: rowTop - 38, size: 14, font });
    drawVectorNumber(page, value, left + widths[0]! + 20, rowTop - 44, 30);
  });
  const right = left + widths[0]! + widths[1]!;
  const bottom = top - (values.length + 1) * rowHeight;
  for (let row = 0; row <= values.length + 1; row++) {
    const y = top - row * rowHeight;
    page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 1 });
  }
  for (const x of [left, left + widths[0]!, right]) {
    page.drawLine({ start: { x, y: top }, end: { x, y: bottom }, thickness: 1 });
  }
}

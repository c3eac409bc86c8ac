export { type ChartPdfOptions, createChartPdf } from "./create-chart-pdf.ts";
export { createScannedPdf, type ScannedPdfOptions } from "./create-scanned-pdf.ts";
export {
  createTestDocx,
  type TestDocxOptions,
  type TestDocxParagraph,
} from "./create-test-docx.ts";
export { createTestEpub, type TestChapter } from "./create-test-epub.ts";
export { createTestOdt, type TestOdtBlock } from "./create-test-odt.ts";
export { createTestPdf, type TestOutlineEntry, type TestPdfOptions } from "./create-test-pdf.ts";
export { createTestPptx, type TestSlide } from "./create-test-pptx.ts";
export { readZipEntry } from "./read-zip-entry.ts";
export { writeZip, xmlEscape } from "./write-zip.ts";

export { createTestPdf, type TestOutlineEntry, type TestPdfOptions } from "./create-test-pdf.ts";

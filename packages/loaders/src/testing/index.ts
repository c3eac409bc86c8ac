export { createTestPdf, type TestPdfOptions } from "./create-test-pdf.ts";

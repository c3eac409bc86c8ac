export { type DecodedText, decodeText, type RefusedBytes } from "./decode-text.ts";
export {
  defaultEmbeddedImageOptions,
  type EmbeddedImageOptions,
} from "./embedded-image-options.ts";
export type {
  CsvOptions,
  FormatOptions,
  JsonRecordOptions,
  PageImagesMode,
  PdfOptions,
} from "./format-options.ts";
export { keepFirstOfEachId } from "./keep-first-of-each-id.ts";
export { defaultBudgets, type LoadBudgets } from "./load-budgets.ts";
export { type LoadFileOptions, loadFile, supportedExtensions } from "./load-file.ts";
export { type LoadFolderOptions, loadFolder } from "./load-folder.ts";
export { type LoadJsonLinesOptions, loadJsonLines } from "./load-json-lines.ts";
export type {
  HeadingHint,
  LoadedDocument,
  LoadResult,
  PageHint,
  SkipCode,
  SkippedSource,
  SourceFormat,
  SourceSegment,
} from "./loaded-document.ts";
export type { OcrFunction, OcrPageImage, OcrRequest } from "./ocr.ts";
export { pageImageId } from "./page-image-document.ts";
export { defaultPdfOptions } from "./pdf-page-images.ts";
export { printablePath } from "./printable-path.ts";
export { type BlockSource, type BuiltSegment, TextBuilder } from "./text-builder.ts";

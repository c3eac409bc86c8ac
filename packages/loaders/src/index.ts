export { alignToSource } from "./align-to-source.ts";
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
export { HtmlTextIndex } from "./html-text-index.ts";
export { keepFirstOfEachId } from "./keep-first-of-each-id.ts";
export { defaultBudgets, type LoadBudgets } from "./load-budgets.ts";
export {
  type LoadFileOptions,
  loadFile,
  supportedExtensions,
  type UnchangedFile,
} from "./load-file.ts";
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
  VerbatimRun,
} from "./loaded-document.ts";
export type { OcrFunction, OcrPageImage, OcrRequest } from "./ocr.ts";
export { pageImageId } from "./page-image-document.ts";
export { defaultPdfOptions } from "./pdf-page-images.ts";
export { printablePath } from "./printable-path.ts";
export { resolveSegments } from "./resolve-segments.ts";
export {
  encodedLength,
  SourceLocator,
  type SourceLocatorOptions,
  type WidthRule,
  widthRuleOf,
} from "./source-locator.ts";
export {
  type BlockSource,
  type BlockText,
  type BuiltRun,
  type BuiltSegment,
  type SourcedPiece,
  TextBuilder,
} from "./text-builder.ts";

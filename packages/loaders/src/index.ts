export {
  defaultMaxFileBytes,
  type LoadFileOptions,
  loadFile,
  supportedExtensions,
} from "./load-file.ts";
export { type LoadFolderOptions, loadFolder } from "./load-folder.ts";
export { parseHtml } from "./load-html.ts";
export { loadJsonLines } from "./load-json-lines.ts";
export { parseMarkdown } from "./load-markdown.ts";
export { parsePdf } from "./load-pdf.ts";
export { parsePlainText } from "./load-text.ts";
export type {
  HeadingHint,
  LoadedDocument,
  LoadResult,
  PageHint,
  SkippedSource,
  SourceFormat,
} from "./loaded-document.ts";
export { TextBuilder } from "./text-builder.ts";

import type { LoadedDocument } from "./loaded-document.ts";
import { TextBuilder } from "./text-builder.ts";

/** Plain text: paragraphs are blank-line separated; no headings. */
export function parsePlainText(id: string, source: string, content: string): LoadedDocument {
  const builder = new TextBuilder();
  for (const paragraph of content.split(/\n\s*\n/)) builder.paragraph(paragraph);
  const { text } = builder.build();
  return { kind: "document", id, source, format: "txt", text, headings: [], pages: [] };
}

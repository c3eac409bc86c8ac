import type { LoadedDocument } from "./loaded-document.ts";
import { firstElementText } from "./ooxml-parts.ts";
import { plainUtf8, sourceSegments } from "./source-segments.ts";
import { TextBuilder } from "./text-builder.ts";
import { type XmlBlockRules, xmlBlocks } from "./xml-blocks.ts";
import { type ArchiveBudgets, ZipArchive } from "./zip-archive.ts";

/** ODF text: `text:p` and `text:h` blocks, `text:s` spaces, tabs and line breaks; comments and tracked deletions left out. */
export const odfTextRules: XmlBlockRules = {
  blocks: new Set(["text:p", "text:h"]),
  replacements: {
    "text:s": (attributes) => " ".repeat(Math.min(1000, Number(attributes["text:c"] ?? 1) || 1)),
    "text:tab": () => "\t",
    "text:line-break": () => "\n",
  },
  skipped: new Set(["office:annotation", "text:tracked-changes", "text:note-citation"]),
};

/**
 * An OpenDocument text (.odt): `content.xml`'s paragraphs and headings (`text:h` with its outline
 * level) in order, footnotes in place, the title from `meta.xml`. Every block records its span in
 * `content.xml` (`entry`).
 */
export async function parseOdt(
  id: string,
  source: string,
  bytes: Uint8Array,
  budgets: ArchiveBudgets,
): Promise<LoadedDocument> {
  const archive = await ZipArchive.open(bytes, budgets, "an OpenDocument text (.odt)");
  try {
    const entry = "content.xml";
    const xml = await archive.text(entry);
    const builder = new TextBuilder();
    for (const block of xmlBlocks(xml, odfTextRules)) {
      const span = { charStart: block.charStart, charEnd: block.charEnd, entry };
      if (block.element === "text:h") {
        const level = Number(block.attributes["text:outline-level"] ?? 1);
        builder.heading(
          Number.isInteger(level) ? Math.min(Math.max(level, 1), 6) : 1,
          block.pieces,
          span,
        );
      } else builder.paragraph(block.pieces, span);
    }
    const { text, headings, segments } = builder.build();
    const title =
      (archive.has("meta.xml")
        ? firstElementText(await archive.text("meta.xml"), "dc:title")
        : undefined) ?? headings[0]?.text;
    return {
      kind: "document",
      id,
      source,
      format: "odt",
      text,
      ...(title ? { title } : {}),
      headings,
      pages: [],
      segments: sourceSegments(segments, xml, plainUtf8, false),
    };
  } finally {
    archive.close();
  }
}

import type { LoadedDocument } from "./loaded-document.ts";
import { firstElementText, partRelationships } from "./ooxml-parts.ts";
import { plainUtf8, sourceSegments } from "./source-segments.ts";
import { TextBuilder } from "./text-builder.ts";
import { type XmlBlockRules, xmlBlocks } from "./xml-blocks.ts";
import { type ArchiveBudgets, ZipArchive } from "./zip-archive.ts";

/** WordprocessingML paragraphs: the text of `w:t` runs, tabs and breaks; tab stops and fallbacks left out. */
export const wordParagraphRules: XmlBlockRules = {
  blocks: new Set(["w:p"]),
  textElements: new Set(["w:t"]),
  replacements: { "w:tab": () => "\t", "w:br": () => "\n", "w:cr": () => "\n" },
  // Tab-stop definitions are `w:tab` too; `mc:Fallback` repeats the text of `mc:Choice`.
  skipped: new Set(["w:tabs", "mc:Fallback"]),
  captured: new Set(["w:pStyle", "w:outlineLvl"]),
};

const officeDocumentType = /\/officeDocument$/;

/**
 * A Word document (.docx): the main document part's paragraphs in order (table cells' included),
 * headings from the paragraph styles (built-in "heading N" and "Title", or any style or paragraph
 * with an outline level), the title from the document properties. Every block records its span
 * in the main part's XML (`entry`).
 */
export async function parseDocx(
  id: string,
  source: string,
  bytes: Uint8Array,
  budgets: ArchiveBudgets,
): Promise<LoadedDocument> {
  const archive = await ZipArchive.open(bytes, budgets, "a Word document (.docx)");
  try {
    const main =
      (await partRelationships(archive, "")).find((r) => officeDocumentType.test(r.type))?.path ??
      "word/document.xml";
    const xml = await archive.text(main);
    const styleLevels = await headingStyles(archive, main);
    const builder = new TextBuilder();
    let styledTitle: string | undefined;
    for (const block of xmlBlocks(xml, wordParagraphRules)) {
      const style = block.captured.get("w:pStyle")?.["w:val"];
      const outline = outlineLevel(block.captured.get("w:outlineLvl")?.["w:val"]);
      const level = outline ?? (style === undefined ? undefined : styleLevels.get(style));
      const span = { charStart: block.charStart, charEnd: block.charEnd, entry: main };
      if (level === undefined) builder.paragraph(block.pieces, span);
      else builder.heading(level, block.pieces, span);
      if (styledTitle === undefined && style !== undefined && styleLevels.get(style) === 0) {
        styledTitle = block.text.trim() || undefined;
      }
    }
    const { text, headings, segments } = builder.build();
    const title =
      (archive.has("docProps/core.xml")
        ? firstElementText(await archive.text("docProps/core.xml"), "dc:title")
        : undefined) ?? styledTitle;
    return {
      kind: "document",
      id,
      source,
      format: "docx",
      text,
      ...(title ? { title } : {}),
      headings: headings.map((heading) => ({ ...heading, level: Math.max(1, heading.level) })),
      pages: [],
      segments: sourceSegments(segments, xml, plainUtf8, false),
    };
  } finally {
    archive.close();
  }
}

/** 0 for the Title style, 1–6 for headings (deeper outline levels count as 6). */
async function headingStyles(archive: ZipArchive, main: string): Promise<Map<string, number>> {
  const part =
    (await partRelationships(archive, main)).find((r) => r.type.endsWith("/styles"))?.path ??
    "word/styles.xml";
  const levels = new Map<string, number>();
  if (!archive.has(part)) {
    // Without a styles part, the built-in style ids say it (English ones: "Heading1", "Title").
    for (let level = 1; level <= 9; level++) levels.set(`Heading${level}`, Math.min(level, 6));
    levels.set("Title", 0);
    return levels;
  }
  const styles = xmlBlocks(await archive.text(part), {
    blocks: new Set(["w:style"]),
    textElements: new Set(),
    captured: new Set(["w:name", "w:outlineLvl", "w:basedOn"]),
  });
  const basedOn = new Map<string, string>();
  for (const style of styles) {
    const styleId = style.attributes["w:styleId"];
    if (styleId === undefined || style.attributes["w:type"] !== "paragraph") continue;
    const name = style.captured.get("w:name")?.["w:val"]?.toLowerCase() ?? "";
    const heading = /^heading ([1-9])$/.exec(name);
    const level =
      name === "title"
        ? 0
        : heading
          ? Math.min(Number(heading[1]), 6)
          : outlineLevel(style.captured.get("w:outlineLvl")?.["w:val"]);
    if (level !== undefined) levels.set(styleId, level);
    const parent = style.captured.get("w:basedOn")?.["w:val"];
    if (parent !== undefined) basedOn.set(styleId, parent);
  }
  // A custom style based on a heading style is a heading of the same level.
  for (const [styleId] of basedOn) {
    let parent = basedOn.get(styleId);
    for (let hops = 0; parent !== undefined && hops < 16 && !levels.has(styleId); hops++) {
      const level = levels.get(parent);
      if (level !== undefined && level > 0) levels.set(styleId, level);
      parent = basedOn.get(parent);
    }
  }
  return levels;
}

/** A `w:outlineLvl` value (0–8 are headings 1–9, shown as at most 6; 9 is body text). */
function outlineLevel(value: string | undefined): number | undefined {
  const level = value === undefined ? Number.NaN : Number(value);
  return Number.isInteger(level) && level >= 0 && level <= 8 ? Math.min(level + 1, 6) : undefined;
}

import type { LoadedDocument, PageHint } from "./loaded-document.ts";
import { firstElementText, partRelationships } from "./ooxml-parts.ts";
import { plainUtf8, segmentsPerEntry } from "./source-segments.ts";
import { type BuiltSegment, TextBuilder } from "./text-builder.ts";
import { type XmlBlockRules, xmlBlocks } from "./xml-blocks.ts";
import { type ArchiveBudgets, ZipArchive } from "./zip-archive.ts";

/** PresentationML shapes (text boxes, placeholders, tables): their paragraphs' `a:t` text, one line each. */
export const slideShapeRules: XmlBlockRules = {
  blocks: new Set(["p:sp", "p:graphicFrame"]),
  textElements: new Set(["a:t"]),
  replacements: { "a:p": () => "\n", "a:br": () => "\n", "a:tc": () => "\n" },
  skipped: new Set(["mc:Fallback"]),
  captured: new Set(["p:ph"]),
};

const titlePlaceholders = new Set(["title", "ctrTitle"]);

/**
 * A PowerPoint presentation (.pptx): the slides in presentation order, each shape one block, the
 * slide's title placeholder a level-1 heading, then the slide's speaker notes. Slides are the
 * document's pages (a citation's page is the slide number). Every block records its span in its
 * slide's (or notes') XML (`entry`).
 */
export async function parsePptx(
  id: string,
  source: string,
  bytes: Uint8Array,
  budgets: ArchiveBudgets,
): Promise<LoadedDocument> {
  const archive = await ZipArchive.open(bytes, budgets, "a PowerPoint presentation (.pptx)");
  try {
    const presentation =
      (await partRelationships(archive, "")).find((r) => r.type.endsWith("/officeDocument"))
        ?.path ?? "ppt/presentation.xml";
    const slides = await slideOrder(archive, presentation);
    const builder = new TextBuilder();
    const entries = new Map<string, string>();
    const slideParts: { number: number; parts: Set<string> }[] = [];
    let slideTitle: string | undefined;
    for (const [index, slide] of slides.entries()) {
      const parts = new Set([slide]);
      slideParts.push({ number: index + 1, parts });
      const xml = await archive.text(slide);
      entries.set(slide, xml);
      for (const shape of xmlBlocks(xml, slideShapeRules)) {
        const span = { charStart: shape.charStart, charEnd: shape.charEnd, entry: slide };
        if (titlePlaceholders.has(shape.captured.get("p:ph")?.type ?? "")) {
          builder.heading(1, shape.pieces, span);
          slideTitle ??= shape.text.trim() || undefined;
        } else builder.paragraph(shape.pieces, span);
      }
      const notes = (await partRelationships(archive, slide)).find((r) =>
        r.type.endsWith("/notesSlide"),
      )?.path;
      if (notes === undefined || !archive.has(notes)) continue;
      parts.add(notes);
      const notesXml = await archive.text(notes);
      entries.set(notes, notesXml);
      for (const shape of xmlBlocks(notesXml, slideShapeRules)) {
        // The notes page also holds the slide's picture and number: only the notes body is text.
        if (shape.captured.get("p:ph")?.type !== "body") continue;
        builder.paragraph(shape.pieces, {
          charStart: shape.charStart,
          charEnd: shape.charEnd,
          entry: notes,
        });
      }
    }
    const { text, headings, segments } = builder.build();
    const title =
      (archive.has("docProps/core.xml")
        ? firstElementText(await archive.text("docProps/core.xml"), "dc:title")
        : undefined) ?? slideTitle;
    return {
      kind: "document",
      id,
      source,
      format: "pptx",
      text,
      ...(title ? { title } : {}),
      headings,
      pages: slidePages(slideParts, segments),
      segments: segmentsPerEntry(segments, entries, plainUtf8),
    };
  } finally {
    archive.close();
  }
}

/** The slide parts in the order `p:sldIdLst` lists them (hidden or not). */
async function slideOrder(archive: ZipArchive, presentation: string): Promise<string[]> {
  const targets = new Map(
    (await partRelationships(archive, presentation)).map((r) => [r.id, r.path] as const),
  );
  const slideIds = xmlBlocks(await archive.text(presentation), {
    blocks: new Set(["p:sldId"]),
    textElements: new Set(),
  });
  return slideIds
    .map((slide) => targets.get(slide.attributes["r:id"] ?? ""))
    .filter((path): path is string => path !== undefined && archive.has(path));
}

/** Each slide's range of the text: from its first block to its last (notes included). */
function slidePages(
  slides: readonly { number: number; parts: ReadonlySet<string> }[],
  segments: readonly BuiltSegment[],
): PageHint[] {
  const pages: PageHint[] = [];
  for (const slide of slides) {
    const own = segments.filter((segment) => slide.parts.has(segment.entry ?? ""));
    const first = own[0];
    const last = own.at(-1);
    if (first && last) pages.push({ number: slide.number, start: first.start, end: last.end });
  }
  return pages;
}

import { posix } from "node:path";
import type { LoadedDocument } from "./loaded-document.ts";
import { htmlDepth } from "./markup-depth.ts";
import { firstElementText, resolveTarget } from "./ooxml-parts.ts";
import { Refusal } from "./refusal.ts";
import { plainUtf8, segmentsPerEntry } from "./source-segments.ts";
import { TextBuilder } from "./text-builder.ts";
import { xhtmlBlocks } from "./xhtml-blocks.ts";
import { xmlBlocks } from "./xml-blocks.ts";
import { type ArchiveBudgets, ZipArchive } from "./zip-archive.ts";

const documentTypes = new Set(["application/xhtml+xml", "text/html"]);

/**
 * An EPUB book (.epub, 2 and 3): the package document named by `META-INF/container.xml`, its
 * spine's XHTML chapters in reading order, each through the same block rules as HTML pages (h1–h6
 * headings), the title from the package's `dc:title`. Every block records its span in its
 * chapter's XHTML (`entry`).
 */
export async function parseEpub(
  id: string,
  source: string,
  bytes: Uint8Array,
  budgets: ArchiveBudgets & { readonly maxDepth: number },
): Promise<LoadedDocument> {
  const archive = await ZipArchive.open(bytes, budgets, "an EPUB book (.epub)");
  try {
    const container = await archive.text("META-INF/container.xml");
    const packagePath = xmlBlocks(container, {
      blocks: new Set(["rootfile"]),
      textElements: new Set(),
    })[0]?.attributes["full-path"];
    if (packagePath === undefined) {
      throw new Refusal(
        "unreadable",
        "its META-INF/container.xml names no package document (rootfile), so it is not an EPUB book",
      );
    }
    const packageXml = await archive.text(packagePath);
    const directory = posix.dirname(packagePath);
    const items = new Map(
      xmlBlocks(packageXml, { blocks: new Set(["item", "opf:item"]), textElements: new Set() }).map(
        ({ attributes }) => [attributes.id ?? "", attributes] as const,
      ),
    );
    const spine = xmlBlocks(packageXml, {
      blocks: new Set(["itemref", "opf:itemref"]),
      textElements: new Set(),
    });
    const builder = new TextBuilder();
    const entries = new Map<string, string>();
    for (const itemref of spine) {
      const item = items.get(itemref.attributes.idref ?? "");
      if (item === undefined || !documentTypes.has(item["media-type"] ?? "")) continue;
      const entry = resolveTarget(directory, item.href ?? "");
      if (entries.has(entry) || !archive.has(entry)) continue;
      const xhtml = await archive.text(entry);
      const depth = htmlDepth(xhtml);
      if (depth > budgets.maxDepth) {
        throw new Refusal(
          "over-budget",
          `its chapter ${entry} is nested ${depth} levels deep, over the ${budgets.maxDepth}-level budget (raise maxDepth)`,
        );
      }
      entries.set(entry, xhtml);
      for (const block of xhtmlBlocks(xhtml)) {
        const span = { charStart: block.charStart, charEnd: block.charEnd, entry };
        if (block.headingLevel !== undefined)
          builder.heading(block.headingLevel, block.pieces, span);
        else builder.paragraph(block.pieces, span);
      }
    }
    const { text, headings, segments } = builder.build();
    const title = firstElementText(packageXml, "dc:title") ?? headings[0]?.text;
    return {
      kind: "document",
      id,
      source,
      format: "epub",
      text,
      ...(title ? { title } : {}),
      headings,
      pages: [],
      segments: segmentsPerEntry(segments, entries, plainUtf8),
    };
  } finally {
    archive.close();
  }
}

import type { HeadingHint } from "./loaded-document.ts";
import { withoutPermalinkMarks } from "./permalink-marks.ts";
import type { BuiltSegment } from "./text-builder.ts";

/** The parts of pdf.js's document proxy the outline needs. */
export interface OutlineSource {
  getOutline(): Promise<readonly OutlineNode[] | null>;
  getDestination(name: string): Promise<unknown[] | null>;
  getPageIndex(reference: never): Promise<number>;
}

interface OutlineNode {
  readonly title: string;
  readonly dest: string | unknown[] | null;
  readonly items: readonly OutlineNode[];
}

/** Where an outline entry points: a 1-based page and, when the destination says, the top of the view. */
export interface OutlineTarget {
  readonly level: number;
  readonly title: string;
  readonly page: number;
  readonly top: number | null;
}

/** Most outline entries read (a hostile outline can be huge or cyclic). */
const maxEntries = 10_000;

/**
 * The PDF's outline (bookmarks) as headings' targets: every entry with a destination in this
 * document, depth first, level = depth (at most 6). An outline that cannot be read gives none.
 */
export async function readOutline(pdf: OutlineSource): Promise<OutlineTarget[]> {
  const outline = await pdf.getOutline().catch(() => null);
  if (!outline) return [];
  const targets: OutlineTarget[] = [];
  let seen = 0;
  const walk = async (nodes: readonly OutlineNode[], depth: number): Promise<void> => {
    for (const node of nodes) {
      if (++seen > maxEntries) return;
      const title = withoutPermalinkMarks(node.title ?? "");
      const target = await resolve(pdf, node.dest).catch(() => undefined);
      if (title && target) targets.push({ level: Math.min(depth, 6), title, ...target });
      if (node.items?.length) await walk(node.items, depth + 1);
    }
  };
  await walk(outline, 1);
  return targets;
}

async function resolve(
  pdf: OutlineSource,
  dest: OutlineNode["dest"],
): Promise<{ page: number; top: number | null } | undefined> {
  const explicit = typeof dest === "string" ? await pdf.getDestination(dest) : dest;
  if (!Array.isArray(explicit) || explicit.length === 0) return undefined;
  const reference = explicit[0];
  const index =
    typeof reference === "number" ? reference : await pdf.getPageIndex(reference as never);
  const kind = (explicit[1] as { name?: string } | undefined)?.name;
  // /XYZ left top zoom, /FitH top, /FitBH top: a vertical position on the page.
  const top =
    kind === "XYZ" ? explicit[3] : kind === "FitH" || kind === "FitBH" ? explicit[2] : null;
  return { page: index + 1, top: typeof top === "number" ? top : null };
}

/**
 * Outline targets as headings of the built text: the page's first text item at or below the
 * target's top (`itemTops`: each page's items as [offset in the page text, y]), mapped through
 * the page's verbatim runs to an offset in the document text.
 */
export function outlineHeadings(
  targets: readonly OutlineTarget[],
  segments: readonly BuiltSegment[],
  itemTops: ReadonlyMap<number, ReadonlyArray<readonly [number, number]>>,
): HeadingHint[] {
  const headings: HeadingHint[] = [];
  for (const target of targets) {
    let pageOffset = 0;
    if (target.top !== null) {
      const below = itemTops.get(target.page)?.find(([, y]) => y <= target.top! + 1);
      if (below) pageOffset = below[0];
    }
    const start = documentOffset(segments, target.page, pageOffset);
    if (start !== undefined) headings.push({ level: target.level, text: target.title, start });
  }
  return headings.sort((a, b) => a.start - b.start);
}

/** The document offset of the first kept character at or after `pageOffset` of a page's text. */
function documentOffset(
  segments: readonly BuiltSegment[],
  page: number,
  pageOffset: number,
): number | undefined {
  for (const segment of segments) {
    if (segment.page !== page) continue;
    for (const run of segment.verbatim ?? []) {
      if (run.charStart + run.length > pageOffset) {
        return run.start + Math.max(0, pageOffset - run.charStart);
      }
    }
  }
  // A target past the page's last text (or on a page without text): the next page's start.
  const next = segments.find((segment) => (segment.page ?? 0) > page);
  return next?.start;
}

import { Parser } from "htmlparser2";
import { tagEnd, tagStart } from "./tag-bounds.ts";
import type { SourcedPiece } from "./text-builder.ts";

/** How one XML vocabulary (WordprocessingML, DrawingML, ODF text) marks its text blocks. */
export interface XmlBlockRules {
  /** Elements that are one block each (a paragraph, a heading). One nested in another is part of the outer. */
  readonly blocks: ReadonlySet<string>;
  /** Elements whose text is the document's text; `undefined`: all text inside a block. */
  readonly textElements?: ReadonlySet<string>;
  /** Empty elements that stand for text (a tab, a line break, repeated spaces). */
  readonly replacements?: Readonly<Record<string, (attributes: Record<string, string>) => string>>;
  /** Elements whose whole content is left out (comments, tracked deletions). */
  readonly skipped?: ReadonlySet<string>;
  /** Attributes to keep per block, by element name (e.g. a paragraph's style). */
  readonly captured?: ReadonlySet<string>;
}

/** One block: its text (entities decoded) and the span `[charStart, charEnd)` of its element in the XML. */
export interface XmlBlock {
  readonly element: string;
  readonly attributes: Record<string, string>;
  readonly text: string;
  /**
   * The same text placed in the XML: each run of characters written as they are is a verbatim
   * piece; a decoded character reference, or the text a replacement element stands for (a tab,
   * a break), points at what it was read from.
   */
  readonly pieces: readonly SourcedPiece[];
  readonly charStart: number;
  readonly charEnd: number;
  /** Attributes of the `captured` elements inside the block, by element name (the first of each). */
  readonly captured: ReadonlyMap<string, Record<string, string>>;
}

/**
 * Streams an XML document through htmlparser2 (XML mode, entities decoded) and yields its blocks
 * with their source spans: the span of a block runs from its start tag's `<` to its end tag's
 * `>`, so extracting that slice with the same rules gives exactly the block's text. The scan
 * keeps counters, not a tree: nesting depth costs no stack.
 */
export function xmlBlocks(xml: string, rules: XmlBlockRules): XmlBlock[] {
  const blocks: XmlBlock[] = [];
  let current:
    | {
        element: string;
        attributes: Record<string, string>;
        start: number;
        depth: number;
        pieces: SourcedPiece[];
        captured: Map<string, Record<string, string>>;
      }
    | undefined;
  let textDepth = 0;
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (skipDepth > 0 || rules.skipped?.has(name)) {
          skipDepth++;
          return;
        }
        if (current === undefined) {
          if (rules.blocks.has(name)) {
            current = {
              element: name,
              attributes,
              start: tagStart(xml, parser.startIndex),
              depth: 1,
              pieces: [],
              captured: new Map(),
            };
          }
          return;
        }
        if (name === current.element) current.depth++;
        if (rules.textElements?.has(name)) textDepth++;
        const replacement = rules.replacements?.[name];
        if (replacement !== undefined) {
          const from = tagStart(xml, parser.startIndex);
          const to = tagEnd(xml, parser.endIndex);
          current.pieces.push(placed(replacement(attributes), from, to, xml));
        }
        if (rules.captured?.has(name) && !current.captured.has(name)) {
          current.captured.set(name, attributes);
        }
      },
      ontext(text) {
        if (current === undefined || skipDepth > 0) return;
        if (rules.textElements === undefined || textDepth > 0) {
          current.pieces.push(placed(text, parser.startIndex, parser.endIndex + 1, xml));
        }
      },
      onclosetag(name) {
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (current === undefined) return;
        if (rules.textElements?.has(name)) textDepth = Math.max(0, textDepth - 1);
        if (name !== current.element || --current.depth > 0) return;
        blocks.push({
          element: current.element,
          attributes: current.attributes,
          text: current.pieces.map((piece) => piece.text).join(""),
          pieces: current.pieces,
          charStart: current.start,
          charEnd: tagEnd(xml, parser.endIndex),
          captured: current.captured,
        });
        current = undefined;
        textDepth = 0;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return blocks;
}

/** `text` read from `xml[from, to)`: verbatim when it is written there as it is (not a reference, not a replacement). */
export function placed(text: string, from: number, to: number, xml: string): SourcedPiece {
  return to - from === text.length && xml.startsWith(text, from)
    ? { text, charStart: from }
    : { text, charStart: from, charEnd: to, verbatim: false };
}

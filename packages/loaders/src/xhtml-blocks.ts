import { Parser } from "htmlparser2";
import { tagEnd, tagStart } from "./tag-bounds.ts";
import type { SourcedPiece } from "./text-builder.ts";
import { placed } from "./xml-blocks.ts";

/** A block of an (X)HTML page: its text and the span `[charStart, charEnd)` it was read from. */
export interface XhtmlBlock {
  readonly headingLevel?: number;
  readonly text: string;
  /** The text placed in the page (see `XmlBlock.pieces`): verbatim runs, decoded references, `<br>` line breaks. */
  readonly pieces: readonly SourcedPiece[];
  readonly charStart: number;
  readonly charEnd: number;
}

// The same block structure as the HTML loader's (`load-html.ts`): a block element without block
// children is one block; text between block children is a block of its own.
const blockTags = new Set(
  (
    "address article aside blockquote dd div dl dt figcaption figure footer header li main nav " +
    "ol p pre section table tbody td th thead tr ul h1 h2 h3 h4 h5 h6 body"
  ).split(" "),
);
const headingLevels: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const ignoredTags = new Set(["head", "script", "style", "noscript", "template", "svg"]);

interface Frame {
  readonly tag: string;
  readonly start: number;
  hasBlockChild: boolean;
  run: { pieces: SourcedPiece[]; start: number; end: number } | undefined;
}

/**
 * Streams an XHTML page (an epub chapter) through htmlparser2 and yields its blocks with their
 * source spans: a leaf block's span is its element, start tag to end tag; text between block
 * children spans from its first character or inline tag to its last. Extracting a span (tags
 * removed, entities decoded, `<br>` as a line break) gives the block's text. A stack of open
 * blocks, no tree: nesting costs no recursion.
 */
export function xhtmlBlocks(html: string): XhtmlBlock[] {
  const blocks: XhtmlBlock[] = [];
  const stack: Frame[] = [{ tag: "#root", start: 0, hasBlockChild: false, run: undefined }];
  let skipDepth = 0;
  const top = () => stack[stack.length - 1]!;
  const extend = (frame: Frame, text: string, start: number, end: number) => {
    frame.run ??= { pieces: [], start, end };
    if (text !== "") frame.run.pieces.push(placed(text, start, end, html));
    frame.run.end = end;
  };
  const textOf = (pieces: readonly SourcedPiece[]) => pieces.map((piece) => piece.text).join("");
  const flush = (frame: Frame) => {
    const run = frame.run;
    frame.run = undefined;
    if (run !== undefined && textOf(run.pieces).trim() !== "") {
      blocks.push({
        text: textOf(run.pieces),
        pieces: run.pieces,
        charStart: run.start,
        charEnd: run.end,
      });
    }
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (skipDepth > 0 || ignoredTags.has(name)) {
          skipDepth++;
          return;
        }
        const frame = top();
        const inHeading = headingLevels[frame.tag] !== undefined;
        if (blockTags.has(name) && !inHeading) {
          flush(frame);
          frame.hasBlockChild = true;
          stack.push({
            tag: name,
            start: tagStart(html, parser.startIndex),
            hasBlockChild: false,
            run: undefined,
          });
          return;
        }
        extend(
          frame,
          name === "br" ? "\n" : "",
          tagStart(html, parser.startIndex),
          tagEnd(html, parser.endIndex),
        );
      },
      ontext(text) {
        if (skipDepth > 0) return;
        // After a tag the parser ended early (see tag-bounds.ts), text starts at that tag's `>`.
        const start =
          html.charCodeAt(parser.startIndex) === 0x3e && !text.startsWith(">")
            ? parser.startIndex + 1
            : parser.startIndex;
        extend(top(), text, start, parser.endIndex + 1);
      },
      onclosetag(name) {
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        const at = stack.findLastIndex((frame) => frame.tag === name);
        if (at <= 0) {
          // An inline element's end tag belongs to the text run around it.
          const run = top().run;
          if (run !== undefined) run.end = tagEnd(html, parser.endIndex);
          return;
        }
        while (stack.length > at) {
          const frame = stack.pop()!;
          const end = tagEnd(html, parser.endIndex);
          const level = headingLevels[frame.tag];
          if (!frame.hasBlockChild) {
            blocks.push({
              ...(level !== undefined ? { headingLevel: level } : {}),
              text: textOf(frame.run?.pieces ?? []),
              pieces: frame.run?.pieces ?? [],
              charStart: frame.start,
              charEnd: end,
            });
          } else flush(frame);
        }
      },
    },
    { xmlMode: false, decodeEntities: true, recognizeSelfClosing: true, lowerCaseTags: true },
  );
  parser.end(html);
  while (stack.length > 0) flush(stack.pop()!);
  return blocks;
}

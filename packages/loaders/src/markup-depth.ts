// Deeply nested markup is where the parsers (and Readability) turn quadratic or recurse past the
// stack; these scans measure the nesting in one linear pass, before any parser runs.

/** Elements whose end tag may be left out (HTML's optional end tags) and void elements: not counted as nesting. */
const uncountedElements = new Set(
  (
    "area base br col embed hr img input link meta source track wbr html head body p li dt dd " +
    "rt rp optgroup option colgroup caption thead tbody tfoot tr td th"
  ).split(" "),
);
const tagPattern = /<(\/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(\/?)>|<!--[\s\S]*?-->/g;

/** The deepest element nesting of an HTML text, counting only elements that must be closed. */
export function htmlDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  for (const match of html.matchAll(tagPattern)) {
    const [, closing, name, selfClosing] = match;
    if (name === undefined || uncountedElements.has(name.toLowerCase())) continue;
    if (closing) depth = Math.max(0, depth - 1);
    else if (!selfClosing) {
      depth++;
      if (depth > deepest) deepest = depth;
    }
  }
  return deepest;
}

/**
 * The deepest container nesting of a Markdown text: on each line, the block-quote and list
 * markers before the content, each with one level per two columns of indentation before it
 * (how nested lists are written).
 */
export function markdownDepth(markdown: string): number {
  let deepest = 0;
  let depth = 0;
  let columns = 0;
  let atLineStart = true;
  for (let i = 0; i < markdown.length; i++) {
    const char = markdown.charCodeAt(i);
    if (char === 0x0a) {
      atLineStart = true;
      depth = 0;
      columns = 0;
      continue;
    }
    if (!atLineStart) continue;
    const next = markdown.charCodeAt(i + 1);
    const isListMarker =
      (char === 0x2d || char === 0x2a || char === 0x2b) /* - * + */ &&
      (next === 0x20 || next === 0x09);
    if (char === 0x20) columns++;
    else if (char === 0x09) columns += 4;
    else if (char === 0x3e /* > */ || isListMarker) {
      depth += 1 + Math.floor(columns / 2);
      columns = 0;
      // The one space after a marker belongs to it, not to the indentation.
      if (next === 0x20) i++;
    } else {
      atLineStart = false;
      deepest = Math.max(deepest, depth + Math.floor(columns / 2));
    }
  }
  return Math.max(deepest, depth + Math.floor(columns / 2));
}

/** The deepest array/object nesting of a JSON text (brackets inside strings not counted). */
export function jsonDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \\ */) i++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b /* [ { */) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d /* ] } */) depth = Math.max(0, depth - 1);
  }
  return deepest;
}

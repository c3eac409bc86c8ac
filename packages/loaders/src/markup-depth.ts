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
 * The deepest container nesting of a Markdown text: on each line, the block-quote markers and
 * list markers before the content plus one level per two columns of indentation (how nested
 * lists are written).
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
    if (char === 0x20) columns++;
    else if (char === 0x09) columns += 4;
    else if (char === 0x3e /* > */) depth++;
    else if (
      (char === 0x2d || char === 0x2a || char === 0x2b) /* - * + */ &&
      (markdown.charCodeAt(i + 1) === 0x20 || markdown.charCodeAt(i + 1) === 0x09)
    ) {
      depth++;
    } else {
      atLineStart = false;
      const level = depth + Math.floor(columns / 2);
      if (level > deepest) deepest = level;
    }
  }
  return Math.max(deepest, depth + Math.floor(columns / 2));
}

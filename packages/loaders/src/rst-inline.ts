// reStructuredText inline markup, removed the way a reader sees the rendered text: the words
// stay, the markup (emphasis stars, literal backquotes, roles, link targets) goes.

const inlinePatterns: readonly [RegExp, string][] = [
  // ``literal``
  [/``([^`]+?)``/g, "$1"],
  // :role:`text <target>` and `text <target>`_ (a hyperlink, or a role with an explicit title)
  [/(?::[\w.:+-]+:)?`([^`<]*?[^`<\s])\s*<[^`>]*>`(?:__?)?/g, "$1"],
  // :role:`text`, `text`_, `text`__, `text` (the default role)
  [/(?::[\w.:+-]+:)?`([^`]+?)`(?::[\w.:+-]+:)?(?:__?)?/g, "$1"],
  // **strong**, *emphasis*
  [/\*\*(\S(?:.*?\S)?)\*\*/g, "$1"],
  [/(^|[\s(["'])\*(\S(?:.*?\S)?)\*(?=$|[\s.,;:!?)\]"'-])/gm, "$1$2"],
  // |substitution| references
  [/\|(\S(?:[^|]*\S)?)\|(?:__?)?/g, "$1"],
  // [1]_ footnote and [CIT]_ citation references
  [/(\[[\w#*.-]+\])_/g, "$1"],
  // word_ and word__ references
  [/\b([\w.-]*\w)__?(?=$|[\s.,;:!?)\]"'])/gm, "$1"],
];

/** The text a reader sees of a paragraph of reStructuredText (inline markup and backslash escapes resolved). */
export function rstInlineText(source: string): string {
  // Escaped characters are held as private-use placeholders while the patterns run.
  let text = source.replace(
    /\\(.)/g,
    (_, escaped: string) => `\ue000${escaped.charCodeAt(0)}\ue001`,
  );
  for (const [pattern, replacement] of inlinePatterns) text = text.replace(pattern, replacement);
  return text.replace(/\ue000(\d+)\ue001/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** A paragraph's text: inline markup resolved, and a closing `::` (a literal block follows) shown as `:`, or dropped when alone. */
export function rstParagraphText(source: string): string {
  const trimmed = source.trimEnd();
  const withoutMarker = trimmed.endsWith("::")
    ? /\s::$/.test(trimmed) || trimmed === "::"
      ? trimmed.slice(0, -2)
      : trimmed.slice(0, -1)
    : trimmed;
  return rstInlineText(withoutMarker);
}

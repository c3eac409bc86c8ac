import { normalizeTracked, sliceTracked, type TrackedText } from "./tracked-whitespace.ts";

/**
 * Marks documentation generators put in a heading as a link to itself: Sphinx and MkDocs `¶`,
 * `🔗` and `⚓` icons, Docusaurus' zero-width space, a `#` or `§` set apart by a space (never the
 * `#` of "C#").
 */
const trailingMarks = /(?:[\s\u200b]*(?:[¶\u200b⚓]|🔗\ufe0f?)|\s+[#§])+$/u;
const leadingMarks = /^(?:(?:[¶⚓\u200b]|🔗\ufe0f?|[#§](?=\s))[\s\u200b]*)+/u;

/** A heading's text without permalink marks at either end (`Installation¶` → `Installation`). */
export function stripPermalinkMarks(heading: TrackedText): TrackedText {
  const trailing = trailingMarks.exec(heading.text);
  const end = trailing ? trailing.index : heading.text.length;
  const leading = leadingMarks.exec(heading.text.slice(0, end));
  const start = leading ? leading[0].length : 0;
  if (start === 0 && end === heading.text.length) return heading;
  // Re-trim: what was between the mark and the words is whitespace.
  const inner = sliceTracked(heading, start, end);
  const trimmed = normalizeTracked(inner.text);
  return { text: trimmed.text, from: Array.from(trimmed.from, (index) => inner.from[index]!) };
}

/** The same cleaning for a heading known only as a string. */
export function withoutPermalinkMarks(heading: string): string {
  return stripPermalinkMarks(normalizeTracked(heading)).text;
}

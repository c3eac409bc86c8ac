/** One line of a text file: `[start, end)` without its line break. */
export interface TextLine {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The lines of a text (`\n`, `\r\n` or a lone `\r` ends one). */
export function splitLines(content: string): TextLine[] {
  const lines: TextLine[] = [];
  const breaks = /\r\n|\n|\r/g;
  let start = 0;
  for (const match of content.matchAll(breaks)) {
    lines.push({ start, end: match.index, text: content.slice(start, match.index) });
    start = match.index + match[0].length;
  }
  lines.push({ start, end: content.length, text: content.slice(start) });
  return lines;
}

/** A line of one punctuation character repeated (AsciiDoc / reStructuredText title adornment). */
const adornment = /^([=\-~^+*#`'":.<>_])\1{2,}\s*$/;

/** The adornment character of a line (`====` → `=`), or undefined. */
export function adornmentOf(line: string): string | undefined {
  return adornment.exec(line)?.[1];
}

/**
 * Whether `title` is underlined by `underline` as AsciiDoc and reStructuredText write titles:
 * the title starts at column 0, has a letter or digit, and the underline is about as long
 * (AsciiDoc allows ± 2 characters; reStructuredText at least as long).
 */
export function isUnderlinedTitle(title: string, underline: string): boolean {
  const words = title.trimEnd();
  if (words.length === 0 || /^\s/.test(words) || !/[\p{L}\p{N}]/u.test(words)) return false;
  if (adornmentOf(words) !== undefined) return false;
  const length = underline.trimEnd().length;
  return length >= words.length - 2 && length <= Math.max(words.length + 2, words.length * 2);
}

/**
 * A man page section title as `man` prints it: at column 0, no lower-case letter, two letters
 * or more, short, no sentence punctuation at the end (`NAME`, `SEE ALSO`, `EXIT STATUS`).
 */
export function isManSectionTitle(line: string): boolean {
  const words = line.trimEnd();
  return (
    words.length >= 2 &&
    words.length <= 40 &&
    !/^\s/.test(words) &&
    !/\p{Ll}/u.test(words) &&
    (words.match(/\p{Lu}/gu)?.length ?? 0) >= 2 &&
    !/[.,;:!?]$/.test(words)
  );
}

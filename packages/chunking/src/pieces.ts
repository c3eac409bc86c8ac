import type { TokenCounter } from "./token-counter.ts";

/** A span `[start, end)` of the parent text and its token count. */
export interface Piece {
  readonly start: number;
  readonly end: number;
  readonly tokens: number;
}

const sentences = new Intl.Segmenter("en", { granularity: "sentence" });
const words = new Intl.Segmenter("en", { granularity: "word" });

/**
 * Cuts `text[start, end)` into pieces of at most `maxTokens`: whole paragraphs when they fit,
 * else sentences (`Intl.Segmenter`), else runs of words, else (one word longer than the limit)
 * runs of characters. Whitespace between pieces is left out of every piece.
 */
export function splitIntoPieces(
  text: string,
  start: number,
  end: number,
  maxTokens: number,
  counter: TokenCounter,
): Piece[] {
  const pieces: Piece[] = [];
  for (const paragraph of spans(text, start, end, /\n\s*\n/g)) {
    splitSpan(text, paragraph.start, paragraph.end, maxTokens, counter, "paragraph", pieces);
  }
  return pieces;
}

type Level = "paragraph" | "sentence" | "word" | "character";

function splitSpan(
  text: string,
  start: number,
  end: number,
  maxTokens: number,
  counter: TokenCounter,
  level: Level,
  out: Piece[],
): void {
  const tokens = counter.count(text.slice(start, end));
  if (tokens <= maxTokens) {
    if (tokens > 0 || text.slice(start, end).trim()) out.push({ start, end, tokens });
    return;
  }
  if (level === "paragraph") {
    const parts = segments(sentences, text, start, end);
    if (parts.length > 1) {
      for (const part of parts)
        splitSpan(text, part.start, part.end, maxTokens, counter, "sentence", out);
      return;
    }
  }
  if (level === "paragraph" || level === "sentence") {
    packWords(text, start, end, maxTokens, counter, out);
    return;
  }
  // One "word" longer than the limit (a URL, a hash): cut it by characters.
  const step = Math.max(1, Math.floor(((end - start) * maxTokens) / tokens));
  for (let from = start; from < end; from += step) {
    const to = Math.min(end, from + step);
    out.push({ start: from, end: to, tokens: counter.count(text.slice(from, to)) });
  }
}

/** Greedy runs of whole words, each run within the limit. */
function packWords(
  text: string,
  start: number,
  end: number,
  maxTokens: number,
  counter: TokenCounter,
  out: Piece[],
): void {
  let runStart = -1;
  let runEnd = -1;
  let runTokens = 0;
  const flush = () => {
    if (runStart >= 0) out.push({ start: runStart, end: runEnd, tokens: runTokens });
    runStart = -1;
    runTokens = 0;
  };
  for (const word of segments(words, text, start, end)) {
    const tokens = counter.count(text.slice(word.start, word.end));
    if (tokens > maxTokens) {
      flush();
      splitSpan(text, word.start, word.end, maxTokens, counter, "character", out);
      continue;
    }
    if (runStart >= 0 && runTokens + tokens > maxTokens) flush();
    if (runStart < 0) runStart = word.start;
    runEnd = word.end;
    runTokens += tokens;
  }
  flush();
}

/** Non-blank segments of `text[start, end)`, trimmed of surrounding whitespace. */
function segments(segmenter: Intl.Segmenter, text: string, start: number, end: number) {
  const result: Array<{ start: number; end: number }> = [];
  for (const segment of segmenter.segment(text.slice(start, end))) {
    const trimmed = trim(
      text,
      start + segment.index,
      start + segment.index + segment.segment.length,
    );
    if (trimmed) result.push(trimmed);
  }
  return result;
}

function spans(text: string, start: number, end: number, separator: RegExp) {
  const result: Array<{ start: number; end: number }> = [];
  const slice = text.slice(start, end);
  let from = 0;
  for (const match of slice.matchAll(separator)) {
    const trimmed = trim(text, start + from, start + match.index);
    if (trimmed) result.push(trimmed);
    from = match.index + match[0].length;
  }
  const last = trim(text, start + from, end);
  if (last) result.push(last);
  return result;
}

function trim(
  text: string,
  start: number,
  end: number,
): { start: number; end: number } | undefined {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end > start ? { start, end } : undefined;
}

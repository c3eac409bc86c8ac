import type { BuiltRun } from "./text-builder.ts";

/**
 * The runs of a JSON string literal (`content[offset, offset + length)`, quotes included) that
 * read as written: `start` counts characters of the decoded string, `charStart` where they are
 * in `content`. Escapes (`\n`, `\"`, `\u00e9`, each half of a `\ud83c\udf0a` pair: one
 * character each) fall between runs. Undefined when the token is not a string literal.
 */
export function jsonStringRuns(
  content: string,
  offset: number,
  length: number,
): { runs: BuiltRun[]; decodedLength: number } | undefined {
  const close = offset + length - 1;
  if (length < 2 || content[offset] !== '"' || content[close] !== '"') return undefined;
  const runs: { start: number; length: number; charStart: number }[] = [];
  let run: (typeof runs)[number] | undefined;
  let decoded = 0;
  for (let at = offset + 1; at < close; ) {
    if (content.charCodeAt(at) === 0x5c /* \ */) {
      at += content[at + 1] === "u" ? 6 : 2;
      decoded++;
      run = undefined;
      continue;
    }
    if (run) run.length++;
    else {
      run = { start: decoded, length: 1, charStart: at };
      runs.push(run);
    }
    at++;
    decoded++;
  }
  return { runs, decodedLength: decoded };
}

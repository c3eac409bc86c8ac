const needsPerCodePoint = /[\u03a3\u0130]/u;

/**
 * Lowercases per code point like Java's `Character.toLowerCase` (Lucene's LowerCaseFilter):
 * no context rules, so a final capital sigma becomes σ (not ς), and İ becomes plain i.
 */
export function lowercase(token: string): string {
  if (!needsPerCodePoint.test(token)) return token.toLowerCase();
  let lowered = "";
  for (const character of token) {
    lowered += character === "\u0130" ? "i" : character.toLowerCase();
  }
  return lowered;
}

/**
 * Compares strings by Unicode code point (the order of their UTF-8 bytes, as trec_eval and most
 * servers sort ids). JavaScript's `<` compares UTF-16 code units, which puts characters above
 * U+E000 after supplementary ones; the remapping below fixes exactly that case.
 */
export function compareCodePoints(left: string, right: string): number {
  if (left === right) return 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const a = left.charCodeAt(index);
    const b = right.charCodeAt(index);
    if (a !== b) return codePointKey(a) - codePointKey(b);
  }
  return left.length - right.length;
}

function codePointKey(codeUnit: number): number {
  if (codeUnit >= 0xd800 && codeUnit <= 0xdfff) return codeUnit + 0x2000;
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  return codeUnit;
}

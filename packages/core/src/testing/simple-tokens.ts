/** Lower-cased Unicode word tokens: enough for reference implementations, not for real search. */
export function simpleTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

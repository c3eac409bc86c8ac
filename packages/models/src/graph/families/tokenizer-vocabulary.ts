/**
 * The id of `token` in a parsed tokenizer.json: its added tokens first (special tokens such as
 * `<|im_end|>`), then the model's vocabulary (an object for BPE / WordPiece, a list of
 * [piece, score] pairs for Unigram). Undefined when absent.
 */
export function tokenIdInTokenizerJson(tokenizerJson: unknown, token: string): number | undefined {
  if (typeof tokenizerJson !== "object" || tokenizerJson === null) return undefined;
  const { added_tokens: added, model } = tokenizerJson as {
    added_tokens?: unknown;
    model?: { vocab?: unknown };
  };
  if (Array.isArray(added)) {
    for (const entry of added) {
      if (entry?.content === token && typeof entry.id === "number") return entry.id;
    }
  }
  const vocabulary = model?.vocab;
  if (Array.isArray(vocabulary)) {
    const index = vocabulary.findIndex((piece) => Array.isArray(piece) && piece[0] === token);
    return index === -1 ? undefined : index;
  }
  if (typeof vocabulary === "object" && vocabulary !== null && Object.hasOwn(vocabulary, token)) {
    const id = (vocabulary as Record<string, unknown>)[token];
    return typeof id === "number" ? id : undefined;
  }
  return undefined;
}

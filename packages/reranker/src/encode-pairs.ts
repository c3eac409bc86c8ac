import { HybridRagError } from "@hybrid-rag/core";
import { assertStrings } from "@hybrid-rag/core/internal";
import type { EncodedText, TextTokenizer } from "@hybrid-rag/models";
import { longestFirstLengths } from "@hybrid-rag/models/internal";
import type { TruncateMode } from "./cross-encoder-options.ts";

/** One (query, passage) pair to score; pairs of one call may have different queries. */
export interface QueryPassagePair {
  readonly query: string;
  readonly passage: string;
  /**
   * Cut the passage to this many tokens before pairing it with the query (what Cohere's
   * `max_tokens_per_doc` does); the pair is then cut to the model's limit as usual.
   */
  readonly maxPassageTokens?: number;
}

/** A pair tokenised for the model: what `CrossEncoder.scoreEncoded` takes. */
export interface EncodedPair extends EncodedText {
  /** Tokens the model reads (`ids.length`), special tokens included, after truncation. */
  readonly length: number;
  /** Tokens of the pair before truncation, special tokens included. */
  readonly untruncatedLength: number;
}

/**
 * Tokenises pairs for a model of `maxLength` tokens. With a `template` (a model family's pair
 * input format, e.g. "question:{query} \n \n passage:{passage}"), each pair becomes one text:
 * the template around the query, then the passage, then the rest of the template, and an
 * over-length pair loses the end of its passage (the template's text is never cut).
 * Otherwise: Each distinct query is tokenised once per
 * call (a request's pairs share their query). Over-length pairs are cut with `longest_first`
 * (truncate END) or refused naming the pair (truncate NONE).
 */
export function encodePairs(
  tokenizer: TextTokenizer,
  pairs: readonly QueryPassagePair[],
  maxLength: number,
  truncate: TruncateMode,
  template?: string,
): EncodedPair[] {
  assertStrings(
    pairs.map((pair) => pair?.query),
    "cross-encoder queries",
  );
  assertStrings(
    pairs.map((pair) => pair.passage),
    "cross-encoder passages",
  );
  if (template !== undefined)
    return encodeTemplatedPairs(tokenizer, pairs, maxLength, truncate, template);
  const queryTokens = new Map<string, string[]>();
  const budget = maxLength - tokenizer.specialTokensPair;
  return pairs.map(({ query, passage, maxPassageTokens }, index) => {
    let queryPart = queryTokens.get(query);
    if (queryPart === undefined) {
      queryPart = tokenizer.tokenize(query);
      queryTokens.set(query, queryPart);
    }
    const passageTokens = tokenizer.tokenize(passage);
    const passagePart =
      maxPassageTokens === undefined ? passageTokens : passageTokens.slice(0, maxPassageTokens);
    const untruncatedLength = queryPart.length + passagePart.length + tokenizer.specialTokensPair;
    if (untruncatedLength <= maxLength) {
      return withLengths(tokenizer.assemble(queryPart, passagePart), untruncatedLength);
    }
    if (truncate === "NONE") {
      throw new HybridRagError(
        "invalid-argument",
        `Passage ${index} is ${untruncatedLength} tokens with its query, over the model's limit ` +
          `of ${maxLength}, and truncate is "NONE": shorten it or use truncate "END".`,
        { details: { index, tokens: untruncatedLength, maxLength } },
      );
    }
    const [keepQuery, keepPassage] = longestFirstLengths(
      queryPart.length,
      passagePart.length,
      budget,
    );
    const encoded = tokenizer.assemble(
      queryPart.slice(0, keepQuery),
      passagePart.slice(0, keepPassage),
    );
    return withLengths(encoded, untruncatedLength);
  });
}

function encodeTemplatedPairs(
  tokenizer: TextTokenizer,
  pairs: readonly QueryPassagePair[],
  maxLength: number,
  truncate: TruncateMode,
  template: string,
): EncodedPair[] {
  const [beforeQuery, afterQuery, afterPassage] = splitTemplate(template);
  const suffix = afterPassage === "" ? [] : tokenizer.tokenize(afterPassage);
  const heads = new Map<string, string[]>();
  return pairs.map(({ query, passage, maxPassageTokens }, index) => {
    let head = heads.get(query);
    if (head === undefined) {
      head = tokenizer.tokenize(`${beforeQuery}${query}${afterQuery}`);
      heads.set(query, head);
    }
    const passageTokens = tokenizer.tokenize(passage);
    const passagePart =
      maxPassageTokens === undefined ? passageTokens : passageTokens.slice(0, maxPassageTokens);
    const fixed = head.length + suffix.length + tokenizer.specialTokensSingle;
    const untruncatedLength = fixed + passagePart.length;
    if (untruncatedLength > maxLength && truncate === "NONE") {
      throw new HybridRagError(
        "invalid-argument",
        `Passage ${index} is ${untruncatedLength} tokens with its query and the model's input template, ` +
          `over the model's limit of ${maxLength}, and truncate is "NONE": shorten it or use truncate "END".`,
        { details: { index, tokens: untruncatedLength, maxLength } },
      );
    }
    if (fixed > maxLength) {
      throw new HybridRagError(
        "invalid-argument",
        `Query ${JSON.stringify(query.slice(0, 40))} takes ${fixed} tokens with the model's input template, ` +
          `leaving no room for a passage within ${maxLength}: shorten the query.`,
      );
    }
    const kept = passagePart.slice(0, Math.max(0, maxLength - fixed));
    return withLengths(tokenizer.assemble([...head, ...kept, ...suffix]), untruncatedLength);
  });
}

/** "a{query}b{passage}c" → ["a", "b", "c"]; the query must come first, each once. */
export function splitTemplate(template: string): [string, string, string] {
  const queryAt = template.indexOf("{query}");
  const passageAt = template.indexOf("{passage}");
  if (
    queryAt < 0 ||
    passageAt < queryAt ||
    template.indexOf("{query}", queryAt + 1) >= 0 ||
    template.indexOf("{passage}", passageAt + 1) >= 0
  ) {
    throw new HybridRagError(
      "invalid-argument",
      `A pair template must contain {query} once and then {passage} once, got ${JSON.stringify(template)}.`,
    );
  }
  return [
    template.slice(0, queryAt),
    template.slice(queryAt + "{query}".length, passageAt),
    template.slice(passageAt + "{passage}".length),
  ];
}

function withLengths(encoded: EncodedText, untruncatedLength: number): EncodedPair {
  return { ...encoded, length: encoded.ids.length, untruncatedLength };
}

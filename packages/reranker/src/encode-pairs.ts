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
 * Tokenises pairs for a model of `maxLength` tokens. Each distinct query is tokenised once per
 * call (a request's pairs share their query). Over-length pairs are cut with `longest_first`
 * (truncate END) or refused naming the pair (truncate NONE).
 */
export function encodePairs(
  tokenizer: TextTokenizer,
  pairs: readonly QueryPassagePair[],
  maxLength: number,
  truncate: TruncateMode,
): EncodedPair[] {
  assertStrings(
    pairs.map((pair) => pair?.query),
    "cross-encoder queries",
  );
  assertStrings(
    pairs.map((pair) => pair.passage),
    "cross-encoder passages",
  );
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

function withLengths(encoded: EncodedText, untruncatedLength: number): EncodedPair {
  return { ...encoded, length: encoded.ids.length, untruncatedLength };
}

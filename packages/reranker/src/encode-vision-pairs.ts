import { HybridRagError } from "@hybrid-rag/core";
import type { ImageTiles, TextTokenizer, VisionInputFormat } from "@hybrid-rag/models";
import type { TruncateMode } from "./cross-encoder-options.ts";
import type { EncodedPair } from "./encode-pairs.ts";
import { splitTemplate } from "./encode-pairs.ts";

/** A (query, passage) pair whose passage may carry an image, already cut into tiles. */
export interface VisionPair {
  readonly query: string;
  readonly passage: string;
  readonly tiles?: ImageTiles | undefined;
  /** Cut the passage text to this many tokens first (Cohere's `max_tokens_per_doc`). */
  readonly maxPassageTokens?: number | undefined;
}

/** A pair tokenised for a vision-language cross-encoder: its tiles travel with its ids. */
export interface VisionEncodedPair extends EncodedPair {
  readonly tiles: ImageTiles | undefined;
}

/**
 * Tokenises pairs for NVIDIA's VLM reranker prompt: the family's template around query and
 * passage ("question:{query} \n \n passage:{passage}"), and for a passage with an image,
 * `<img>` + `<IMG_CONTEXT>` × (tokens per tile × tiles) + `</img>` and a space in front of that
 * text — the rerank processor's "<image> " prefix with the image tokens in its place. An
 * over-length pair loses the end of its passage text; the image tokens and the template are
 * never cut (a cut image would leave features without a place), so a pair whose image and
 * query alone exceed the limit is refused naming the passage.
 */
export function encodeVisionPairs(
  tokenizer: TextTokenizer,
  format: VisionInputFormat,
  template: string,
  pairs: readonly VisionPair[],
  maxLength: number,
  truncate: TruncateMode,
  /** Index of pairs[0] in the caller's list, for messages. */
  firstIndex = 0,
): VisionEncodedPair[] {
  const encoded = encodeImageTokenPairs(
    tokenizer,
    format,
    template,
    pairs.map((pair) => ({ ...pair, tileCount: pair.tiles?.count ?? 0 })),
    maxLength,
    truncate,
    firstIndex,
  );
  return encoded.map((pair, index) => ({ ...pair, tiles: pairs[index]!.tiles }));
}

/**
 * encodeVisionPairs on tile counts alone (0: no image): what a caller that decodes each image
 * only when its model run comes needs to know its length now.
 */
export function encodeImageTokenPairs(
  tokenizer: TextTokenizer,
  format: VisionInputFormat,
  template: string,
  pairs: readonly (Omit<VisionPair, "tiles"> & { readonly tileCount: number })[],
  maxLength: number,
  truncate: TruncateMode,
  firstIndex = 0,
): EncodedPair[] {
  const [beforeQuery, afterQuery, afterPassage] = splitTemplate(template);
  const suffix = afterPassage === "" ? [] : tokenizer.tokenize(afterPassage);
  return pairs.map(({ query, passage, tileCount, maxPassageTokens }, position) => {
    const index = firstIndex + position;
    const imageTokens =
      tileCount === 0
        ? []
        : [
            format.imageStartToken,
            ...new Array<string>(format.tokensPerTile * tileCount).fill(format.imageContextToken),
            format.imageEndToken,
          ];
    // After the image block the processor's text starts with a space ("<image> " + text).
    const head = tokenizer.tokenize(
      `${tileCount === 0 ? "" : " "}${beforeQuery}${query}${afterQuery}`,
    );
    const allPassageTokens = tokenizer.tokenize(passage);
    const passageTokens =
      maxPassageTokens === undefined
        ? allPassageTokens
        : allPassageTokens.slice(0, maxPassageTokens);
    const fixed = imageTokens.length + head.length + suffix.length + tokenizer.specialTokensSingle;
    const untruncatedLength = fixed + passageTokens.length;
    if (fixed > maxLength) {
      throw new HybridRagError(
        "invalid-argument",
        `Passage ${index} needs ${fixed} tokens before its text (${imageTokens.length} for its image of ${tileCount} tiles, the rest for the query and the model's template), over the model's limit of ${maxLength}: shorten the query, lower the image's tiles (max_input_tiles) or raise maxLength.`,
        { details: { index, tokens: fixed, maxLength } },
      );
    }
    if (untruncatedLength > maxLength && truncate === "NONE") {
      throw new HybridRagError(
        "invalid-argument",
        `Passage ${index} is ${untruncatedLength} tokens with its query, image and the model's template, over the model's limit of ${maxLength}, and truncate is "NONE": shorten it or use truncate "END".`,
        { details: { index, tokens: untruncatedLength, maxLength } },
      );
    }
    const kept = passageTokens.slice(0, maxLength - fixed);
    const encoded = tokenizer.assemble([...imageTokens, ...head, ...kept, ...suffix]);
    const unknown = imageTokens.length > 0 && !encoded.ids.includes(format.imageContextTokenId);
    if (unknown) {
      throw new HybridRagError(
        "corrupt-data",
        `The model's tokenizer.json has no ${format.imageContextToken} token of id ${format.imageContextTokenId} (config.json img_context_token_id); use the model's own tokenizer.`,
      );
    }
    return { ...encoded, length: encoded.ids.length, untruncatedLength };
  });
}

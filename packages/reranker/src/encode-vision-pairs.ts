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
  const [beforeQuery, afterQuery, afterPassage] = splitTemplate(template);
  return pairs.map(({ query, passage, tiles }, position) => {
    const index = firstIndex + position;
    const imageTokens =
      tiles === undefined
        ? []
        : [
            format.imageStartToken,
            ...new Array<string>(format.tokensPerTile * tiles.count).fill(format.imageContextToken),
            format.imageEndToken,
          ];
    // After the image block the processor's text starts with a space ("<image> " + text).
    const head = tokenizer.tokenize(
      `${tiles === undefined ? "" : " "}${beforeQuery}${query}${afterQuery}`,
    );
    const suffix = afterPassage === "" ? [] : tokenizer.tokenize(afterPassage);
    const passageTokens = tokenizer.tokenize(passage);
    const fixed = imageTokens.length + head.length + suffix.length + tokenizer.specialTokensSingle;
    const untruncatedLength = fixed + passageTokens.length;
    if (fixed > maxLength) {
      throw new HybridRagError(
        "invalid-argument",
        `Passage ${index} needs ${fixed} tokens before its text (${imageTokens.length} for its image of ${tiles?.count ?? 0} tiles, the rest for the query and the model's template), over the model's limit of ${maxLength}: shorten the query, lower the image's tiles (max_input_tiles) or raise maxLength.`,
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
    return { ...encoded, length: encoded.ids.length, untruncatedLength, tiles };
  });
}

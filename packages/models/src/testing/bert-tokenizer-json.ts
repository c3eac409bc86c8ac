const specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

/**
 * A `tokenizer.json` equal in structure to bert-base-uncased's (as the Hugging Face `tokenizers`
 * library saves it): BertNormalizer (lowercase, strip accents), BertPreTokenizer, WordPiece, and
 * the `[CLS] A [SEP] B [SEP]` template with token type ids 0 / 1.
 */
export function bertTokenizerJson(vocabulary: readonly string[]): object {
  const vocab: Record<string, number> = {};
  for (const [index, token] of vocabulary.entries()) vocab[token] = index;
  const idOf = (token: string): number => {
    const id = vocab[token];
    if (id === undefined) throw new Error(`the vocabulary has no ${token} token`);
    return id;
  };
  const special = (token: string, typeId: number) => ({
    SpecialToken: { id: token, type_id: typeId },
  });
  const sequence = (id: "A" | "B", typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((token) => ({
      id: idOf(token),
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)],
      pair: [
        special("[CLS]", 0),
        sequence("A", 0),
        special("[SEP]", 0),
        sequence("B", 1),
        special("[SEP]", 1),
      ],
      special_tokens: Object.fromEntries(
        ["[CLS]", "[SEP]"].map((token) => [
          token,
          { id: token, ids: [idOf(token)], tokens: [token] },
        ]),
      ),
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

export const bertTokenizerConfig = {
  do_lower_case: true,
  model_max_length: 512,
  tokenizer_class: "BertTokenizer",
  cls_token: "[CLS]",
  sep_token: "[SEP]",
  pad_token: "[PAD]",
  unk_token: "[UNK]",
  mask_token: "[MASK]",
  clean_up_tokenization_spaces: true,
  strip_accents: null,
  tokenize_chinese_chars: true,
};

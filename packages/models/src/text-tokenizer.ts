import { Tokenizer } from "@huggingface/tokenizers";

/** Token ids and token type ids of one encoded text or text pair, special tokens included. */
export interface EncodedText {
  readonly ids: readonly number[];
  readonly typeIds: readonly number[];
}

/**
 * A Hugging Face `tokenizer.json` tokenizer (via `@huggingface/tokenizers`) that encodes texts
 * into token strings first and adds special tokens last, so callers can truncate each segment
 * of a pair before the template (`[CLS] A [SEP] B [SEP]`) is applied.
 */
export class TextTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly #vocabulary: Map<string, number>;
  readonly #unknownId: number;
  /** Id used to pad batches (the tokenizer's pad token, else 0). */
  readonly padId: number;
  /** Special tokens added around one text, and around a pair. */
  readonly specialTokensSingle: number;
  readonly specialTokensPair: number;

  constructor(tokenizerJson: object, tokenizerConfig: object) {
    this.#tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.#vocabulary = this.#tokenizer.get_vocab(true);
    const config = tokenizerConfig as { pad_token?: unknown; unk_token?: unknown };
    this.#unknownId = this.#idOfOptional(config.unk_token) ?? this.#vocabulary.get("[UNK]") ?? 0;
    this.padId = this.#idOfOptional(config.pad_token) ?? this.#vocabulary.get("[PAD]") ?? 0;
    this.specialTokensSingle = this.#applyTemplate([], null).ids.length;
    this.specialTokensPair = this.#applyTemplate([], []).ids.length;
  }

  /** The text's tokens, without special tokens. */
  tokenize(text: string): string[] {
    return this.#tokenizer.tokenize(text, { add_special_tokens: false });
  }

  /** Adds special tokens (and type ids) to one tokenized text or a tokenized pair. */
  assemble(first: readonly string[], second: readonly string[] | null = null): EncodedText {
    return this.#applyTemplate(first, second);
  }

  /** Token ids exactly as `tokenizer.encode(text, { text_pair })` would give, for tests. */
  encode(text: string, pair: string | null = null): EncodedText {
    return this.assemble(this.tokenize(text), pair === null ? null : this.tokenize(pair));
  }

  #applyTemplate(first: readonly string[], second: readonly string[] | null): EncodedText {
    const processor = this.#tokenizer.post_processor;
    let tokens: readonly string[];
    let typeIds: readonly number[];
    if (processor === null) {
      tokens = [...first, ...(second ?? [])];
      typeIds = [...first.map(() => 0), ...(second ?? []).map(() => 1)];
    } else {
      const output = processor.post_process([...first], second === null ? null : [...second], true);
      // ByteLevel post-processors hand the pair back unmerged.
      tokens = output.tokens_pair ? [...output.tokens, ...output.tokens_pair] : output.tokens;
      typeIds = output.token_type_ids ?? tokens.map(() => 0);
    }
    return { ids: tokens.map((token) => this.#vocabulary.get(token) ?? this.#unknownId), typeIds };
  }

  #idOfOptional(token: unknown): number | undefined {
    const content =
      typeof token === "string"
        ? token
        : typeof token === "object" && token !== null && "content" in token
          ? String((token as { content: unknown }).content)
          : undefined;
    return content === undefined ? undefined : this.#vocabulary.get(content);
  }
}

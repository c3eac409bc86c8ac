import type { UseLiteVocabulary } from "./use-lite-model-files.ts";

/** The vocabulary's word-boundary piece, written for every space and before the text. */
const wordBoundary = "\u2581";
/** The first ids are `<unk>`, control and user-defined symbols: never matched in text. */
const reservedSymbols = 6;

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  /** Vocabulary index of the piece ending here, or -1. */
  index: number;
  score: number;
}

const newNode = (): TrieNode => ({ children: new Map(), index: -1, score: 0 });

/**
 * USE-lite's SentencePiece encoder (`Tokenizer.encode` of `@tensorflow-models/universal-sentence-encoder`,
 * a port of SentencePiece's `EncodeAsIds`), written again to run in time linear in the text's
 * length: that port copies the rest of the text at every position (quadratic) and allocates an
 * object per lattice edge, which made tokenising, on the ingest's main thread (chunking) and in
 * every embedder worker, a large part of the work. The ids are the same, bit for bit: the same
 * UTF-16 symbols, the same Viterbi relaxations in the same order with the same tie rule (a later
 * edge wins a tie; a best score of exactly 0 counts as unset), the same backward pass (each step
 * goes back by the chosen piece's length in the vocabulary, `<unk>` included) and the same
 * merging of consecutive unknowns. A test holds it to the original on SciFact and random text.
 */
export function sentencePieceEncoder(vocabulary: UseLiteVocabulary): (text: string) => number[] {
  const root = newNode();
  for (let index = reservedSymbols; index < vocabulary.length; index++) {
    const [piece, score] = vocabulary[index]!;
    let node = root;
    for (let position = 0; position < piece.length; position++) {
      const symbol = piece.charCodeAt(position);
      let child = node.children.get(symbol);
      if (!child) {
        child = newNode();
        node.children.set(symbol, child);
      }
      node = child;
    }
    node.index = index;
    node.score = score ?? 0;
  }
  const pieceLengths = Int32Array.from(vocabulary, ([piece]) => piece.length);

  return (text) => {
    const normalized = text.normalize("NFKC");
    const input =
      normalized.length > 0 ? wordBoundary + normalized.replaceAll(" ", wordBoundary) : "";
    const length = input.length;
    const best = new Float64Array(length + 1);
    const words = new Int32Array(length + 1);
    // Edges relaxed in order of their start: for each end, the same order as the original's
    // pass over ends then ascending starts; best[start] is final when its edges are relaxed.
    const relax = (start: number, end: number, score: number, index: number) => {
      const candidate = score + best[start]!;
      if (best[end] === 0 || candidate >= best[end]!) {
        best[end] = candidate;
        words[end] = index;
      }
    };
    for (let start = 0; start < length; start++) {
      let node = root.children.get(input.charCodeAt(start));
      let matched = false;
      for (let position = start; node !== undefined; ) {
        if (node.index >= 0) {
          relax(start, position + 1, node.score, node.index);
          matched = true;
        }
        position++;
        if (position >= length) break;
        node = node.children.get(input.charCodeAt(position));
      }
      // No piece starts here: one unknown symbol (id 0, score 0).
      if (!matched) relax(start, start + 1, 0, 0);
    }
    const reversed: number[] = [];
    let previousUnknown = false;
    for (let end = length; end > 0; end -= pieceLengths[words[end]!]!) {
      const id = words[end]!;
      if (!(previousUnknown && id === 0)) reversed.push(id);
      previousUnknown = id === 0;
    }
    return reversed.reverse();
  };
}

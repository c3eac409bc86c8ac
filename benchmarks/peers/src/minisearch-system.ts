import MiniSearch from "minisearch";
import { type Corpus, indexedText } from "./corpus.ts";
import type { PeerSystem } from "./peer-system.ts";

/** MiniSearch with its defaults (BM25+, OR of the query's terms, its own tokenizer). */
export function miniSearchSystem(): PeerSystem {
  let engine = new MiniSearch({ fields: ["text"] });
  let corpusQueries: Corpus["queries"] = [];
  return {
    async build(corpus) {
      corpusQueries = corpus.queries;
      engine = new MiniSearch({ fields: ["text"] });
      engine.addAll(
        corpus.documents.map((document) => ({ id: document.id, text: indexedText(document) })),
      );
    },
    async search(queryIndex, topK) {
      return engine
        .search(corpusQueries[queryIndex]!.text)
        .slice(0, topK)
        .map((result) => String(result.id));
    },
  };
}

import MiniSearch from "minisearch";
import { type Corpus, indexedText } from "./corpus.ts";
import type { PeerSystem } from "./peer-system.ts";

const progressStep = 10_000;

/** MiniSearch with its defaults (BM25+, OR of the query's terms, its own tokenizer). */
export function miniSearchSystem(): PeerSystem {
  let engine = new MiniSearch({ fields: ["text"] });
  let corpusQueries: Corpus["queries"] = [];
  return {
    async build(corpus, onProgress) {
      corpusQueries = corpus.queries;
      engine = new MiniSearch({ fields: ["text"] });
      // addAll adds one document at a time: batches only make its progress visible.
      for (let start = 0; start < corpus.documents.length; start += progressStep) {
        const batch = corpus.documents.slice(start, start + progressStep);
        engine.addAll(batch.map((document) => ({ id: document.id, text: indexedText(document) })));
        onProgress?.(start + batch.length);
      }
    },
    async search(queryIndex, topK) {
      return engine
        .search(corpusQueries[queryIndex]!.text)
        .slice(0, topK)
        .map((result) => String(result.id));
    },
  };
}

import { createBm25Index } from "@hybrid-rag/bm25";
import type { Document, Embedder } from "@hybrid-rag/core";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import {
  createVectorIndex,
  type VectorIndex,
  type VectorIndexOptions,
} from "@hybrid-rag/vector-index";
import { type Corpus, indexedText } from "./corpus.ts";
import type { PeerSystem } from "./peer-system.ts";

/** Hands the vector index the corpus's own vectors (the same ones every peer gets): a map lookup, no model. */
function corpusVectors(corpus: Corpus): Embedder {
  const byText = new Map<string, Float32Array>();
  corpus.documents.forEach((document, row) => {
    byText.set(indexedText(document), corpus.vectors.documents[row]!);
  });
  const lookup = async (texts: readonly string[]) =>
    texts.map((text) => {
      const vector = byText.get(text);
      if (!vector) throw new Error(`no corpus vector for the passage "${text.slice(0, 60)}…"`);
      return vector;
    });
  return {
    name: "corpus-vectors",
    dimension: corpus.vectors.dimension,
    embedPassages: lookup,
    embedQueries: lookup,
  };
}

const toDocuments = (corpus: Corpus): Document[] =>
  corpus.documents.map((document) => ({
    id: document.id,
    text: document.text,
    ...(document.title ? { title: document.title } : {}),
  }));

export function hybridRagBm25(): PeerSystem {
  let index = createBm25Index();
  let queries: readonly string[] = [];
  return {
    async build(corpus, onProgress) {
      queries = corpus.queries.map((query) => query.text);
      index = createBm25Index({ batchSize: 10_000 });
      index.events.on("index-progress", (event) => onProgress?.(event.done));
      await index.upsert(toDocuments(corpus));
    },
    async search(queryIndex, topK) {
      const hits = await index.retrieve(queries[queryIndex]!, { topK, includeDocuments: false });
      return hits.map((hit) => hit.id);
    },
  };
}

type VectorSettings = Pick<VectorIndexOptions, "quantization" | "backend">;

export function hybridRagVectors(settings: VectorSettings): PeerSystem {
  let index: VectorIndex | undefined;
  let queries: readonly Float32Array[] = [];
  return {
    async build(corpus, onProgress) {
      queries = corpus.vectors.queries;
      index = createVectorIndex({
        embedder: corpusVectors(corpus),
        embedBatchSize: 1024,
        ...settings,
      });
      index.events.on("index-progress", (event) => onProgress?.(event.done));
      await index.upsert(toDocuments(corpus));
    },
    async search(queryIndex, topK) {
      return index!
        .searchByVector(queries[queryIndex]!, { topK, includeDocuments: false })
        .map((hit) => hit.id);
    },
  };
}

/** BM25 and exact vectors asked in parallel, fused by RRF (k = 60, equal weights), as the pipeline does. */
export function hybridRagHybrid(): PeerSystem {
  const bm25 = createBm25Index({ batchSize: 10_000 });
  let dense: VectorIndex | undefined;
  let corpusQueries: Corpus["queries"] = [];
  let queryVectors: readonly Float32Array[] = [];
  const fusion = reciprocalRankFusion({ k: 60 });
  return {
    async build(corpus, onProgress) {
      corpusQueries = corpus.queries;
      queryVectors = corpus.vectors.queries;
      dense = createVectorIndex({ embedder: corpusVectors(corpus), embedBatchSize: 1024 });
      // Indexed means in both indexes: the lesser of the two counts.
      let lexicalDone = 0;
      let denseDone = 0;
      bm25.events.on("index-progress", (event) => {
        lexicalDone = event.done;
        onProgress?.(Math.min(lexicalDone, denseDone));
      });
      dense.events.on("index-progress", (event) => {
        denseDone = event.done;
        onProgress?.(Math.min(lexicalDone, denseDone));
      });
      const documents = toDocuments(corpus);
      await Promise.all([bm25.upsert(documents), dense.upsert(documents)]);
    },
    async search(queryIndex, topK) {
      // Each list as deep as the answer, as the peers' hybrid queries do.
      const depth = topK;
      const [lexical, vectors] = await Promise.all([
        bm25.retrieve(corpusQueries[queryIndex]!.text, { topK: depth, includeDocuments: false }),
        dense!.searchByVector(queryVectors[queryIndex]!, { topK: depth, includeDocuments: false }),
      ]);
      const fused = fusion.fuse(
        [
          { source: "bm25", hits: lexical },
          { source: "dense", hits: vectors },
        ],
        { topK },
      );
      return fused.map((hit) => hit.id);
    },
  };
}

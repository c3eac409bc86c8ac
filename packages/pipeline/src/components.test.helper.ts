import {
  type Document,
  type Hit,
  HybridRagError,
  isBlankQuery,
  matchesMetadataFilter,
  type Reranker,
  type RetrieveOptions,
  type Retriever,
  validateRetrieveCall,
} from "@hybrid-rag/core";
import { contractCorpus, HashingEmbedder } from "@hybrid-rag/core/testing";

/** A dense retriever for tests: exact cosine over HashingEmbedder vectors of the contract corpus. */
export class HashingDenseRetriever implements Retriever {
  readonly name: string;
  readonly #embedder = new HashingEmbedder(256);
  readonly #documents: readonly Document[];
  #vectors: Float32Array[] | undefined;

  constructor(name = "dense", documents: readonly Document[] = contractCorpus) {
    this.name = name;
    this.#documents = documents;
  }

  async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
    const { topK, signal, filter } = validateRetrieveCall(this.name, query, options);
    if (isBlankQuery(query)) return [];
    this.#vectors ??= await this.#embedder.embedPassages(
      this.#documents.map((document) => `${document.title ?? ""} ${document.text}`),
    );
    const [queryVector] = await this.#embedder.embedQueries([query], signal ? { signal } : {});
    const scored = this.#documents
      .map((document, index) => ({ document, score: dot(queryVector!, this.#vectors![index]!) }))
      .filter(
        ({ document, score }) => score > 0 && matchesMetadataFilter(document.metadata, filter),
      )
      .sort((a, b) => b.score - a.score || (a.document.id < b.document.id ? -1 : 1));
    return scored.slice(0, topK).map(({ document, score }, index) => ({
      id: document.id,
      score,
      rank: index + 1,
      document,
      sources: { [this.name]: { status: "found", rank: index + 1, score } },
    }));
  }
}

function dot(left: Float32Array, right: Float32Array): number {
  let total = 0;
  for (let index = 0; index < left.length; index++) total += left[index]! * right[index]!;
  return total;
}

/** A retriever whose behaviour a test scripts: return hits, throw, or never answer. */
export function scriptedRetriever(
  name: string,
  behaviour: (options: RetrieveOptions) => Promise<Hit[]>,
): Retriever & { readonly calls: RetrieveOptions[] } {
  const calls: RetrieveOptions[] = [];
  return {
    name,
    calls,
    retrieve(_query, options) {
      calls.push(options);
      return behaviour(options);
    },
  };
}

/** Hits for ids, best first, as retriever `source` returns them. */
export function hitsFor(source: string, ids: readonly string[]): Hit[] {
  return ids.map((id, index) => ({
    id,
    score: ids.length - index,
    rank: index + 1,
    document: { id, text: `text of ${id}` },
    sources: { [source]: { status: "found", rank: index + 1, score: ids.length - index } },
  }));
}

/** A promise that never settles: a component that hangs and ignores its signal. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

export function failingReranker(error: Error | (() => Promise<Hit[]>)): Reranker {
  return {
    name: "broken-reranker",
    rerank: () => (error instanceof Error ? Promise.reject(error) : error()),
  };
}

export const unavailable = (what: string) =>
  new HybridRagError("unavailable", `${what} is down (connection refused)`);

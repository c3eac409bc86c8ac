import { throwIfAborted } from "../abort.ts";
import type { Document } from "../document.ts";
import type { DocumentIndex, WriteOptions, WriteReport } from "../document-index.ts";
import type { Hit } from "../hit.ts";
import { matchesMetadataFilter } from "../metadata-filter.ts";
import { isBlankQuery, validateRetrieveCall } from "../retrieve-options.ts";
import type { RetrieveOptions, Retriever } from "../retriever.ts";
import { validateDocuments } from "../validate-documents.ts";
import { simpleTokens } from "./simple-tokens.ts";

/**
 * A reference Retriever for tests: scores by the fraction of query tokens a document contains,
 * ties broken by id. Simple on purpose — it shows what the contract asks, not how to rank.
 */
export class InMemoryKeywordRetriever implements Retriever, DocumentIndex {
  readonly name: string;
  readonly #documents = new Map<string, { document: Document; tokens: Set<string> }>();

  constructor(name = "keyword") {
    this.name = name;
  }

  async upsert(documents: readonly Document[], options?: WriteOptions): Promise<WriteReport> {
    throwIfAborted(options?.signal, `${this.name} upsert`);
    const { valid, failed } = validateDocuments(documents);
    for (const { document } of valid) {
      const tokens = new Set(simpleTokens(`${document.title ?? ""} ${document.text}`));
      this.#documents.set(document.id, { document, tokens });
    }
    return { succeeded: valid.length, failed };
  }

  async delete(ids: readonly string[], options?: WriteOptions): Promise<WriteReport> {
    throwIfAborted(options?.signal, `${this.name} delete`);
    const succeeded = ids.filter((id) => this.#documents.delete(id)).length;
    return { succeeded, failed: [] };
  }

  async count(): Promise<number> {
    return this.#documents.size;
  }

  async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
    const { topK, filter, includeDocuments } = validateRetrieveCall(this.name, query, options);
    if (isBlankQuery(query)) return [];
    const queryTokens = [...new Set(simpleTokens(query))];
    const scored: Array<{ document: Document; score: number }> = [];
    for (const { document, tokens } of this.#documents.values()) {
      if (!matchesMetadataFilter(document.metadata, filter)) continue;
      const matched = queryTokens.filter((token) => tokens.has(token)).length;
      if (matched > 0) scored.push({ document, score: matched / queryTokens.length });
    }
    scored.sort((a, b) => b.score - a.score || (a.document.id < b.document.id ? -1 : 1));
    return scored.slice(0, topK).map(({ document, score }, index) => ({
      id: document.id,
      score,
      rank: index + 1,
      ...(includeDocuments ? { document } : {}),
      sources: { [this.name]: { status: "found", rank: index + 1, score } },
    }));
  }
}

import type { Chunker } from "@hybrid-rag/chunking";
import type {
  Document,
  DocumentIndex,
  Fusion,
  Hit,
  MetadataFilter,
  Reranker,
  Retriever,
  StoredImageReference,
} from "@hybrid-rag/core";
import {
  createPipeline,
  ListenerSafeEmitter,
  type PageImageSource,
  type PageImagesMode,
  type Pipeline,
  type StageTopK,
} from "@hybrid-rag/pipeline";
import { collapseNearDuplicates, type DuplicateSource } from "./collapse-near-duplicates.ts";
import { collapseToParents, type ParentHit } from "./collapse-to-parents.ts";
import type { CollectionEvents, IngestSummary } from "./collection-events.ts";
import type { DocumentStore } from "./document-store.ts";
import { ImageStore } from "./image-store.ts";
import {
  type IngestItem,
  type IngestOptions,
  ingestDocuments,
  removeParent,
} from "./ingest-documents.ts";
import { NearDuplicateGroups } from "./near-duplicate-groups.ts";

/** `pageImages: "add"` as a search asked for it. */
type PageImagesChoice = { readonly pageImages: "add"; readonly maxPageImages: number | undefined };

/** One side of the collection: a retriever you can write to (embedded index, Elasticsearch, Qdrant). */
export type CollectionIndex = Retriever & DocumentIndex;

export interface HybridCollectionParts {
  readonly sparse: CollectionIndex;
  /** Omitted: a BM25-only collection (ingest writes the sparse side, search runs BM25 alone). */
  readonly dense?: CollectionIndex;
  readonly store: DocumentStore;
  /** Where the documents' images are kept (default: a new in-memory image store). */
  readonly images?: ImageStore;
  readonly chunker: Chunker;
  readonly reranker?: Reranker;
}

export interface CollectionSearchOptions {
  /** Chunk hits returned (default 10). */
  readonly topK?: number;
  /** Hits asked of each side before fusion (default 100); of BM25 alone without a dense side. */
  readonly candidates?: number;
  readonly filter?: MetadataFilter;
  readonly signal?: AbortSignal;
  /**
   * How the two sides' lists are fused (default: RRF, k = 60), e.g. `createFusion(json)`. A
   * BM25-only collection has one list and nothing to fuse: it returns BM25's own ranks and scores.
   */
  readonly fusion?: Fusion;
  /**
   * Show every copy of a text held in several formats (default false: of a group of
   * near-duplicate parents only the best-ranked one is shown, the others listed in `alsoIn`).
   */
  readonly keepDuplicates?: boolean;
  /**
   * "add": the reranker also scores the stored page images of its candidates' PDF pages (see
   * the pipeline's `pageImages`); needs an image-aware reranker. Default "off".
   */
  readonly pageImages?: PageImagesMode;
  /** Page images added to one query's rerank candidates at most (default 8). */
  readonly maxPageImages?: number;
}

export interface CollectionSearchResult {
  /** Fused (and reranked, with a reranker) chunk hits, each with its chunk document. */
  readonly hits: Hit[];
  /** The same hits grouped by parent document, best first. */
  readonly parents: ParentHit[];
  /**
   * For a parent shown in place of its near-duplicates (the same text in other files), those
   * other parents, by the shown parent's id. Empty with `keepDuplicates`.
   */
  readonly alsoIn: Readonly<Record<string, readonly DuplicateSource[]>>;
  readonly timings: Record<string, number>;
  readonly warnings: string[];
}

/**
 * Documents in, passages out: ingest chunks each document once and writes the chunks to a
 * sparse and a dense index (or the sparse one alone, BM25-only) over one document store; search runs both in parallel, fuses
 * (RRF), optionally reranks, and groups the chunk hits by parent.
 */
export class HybridCollection implements PageImageSource {
  /** Listener errors are isolated: they never fail an ingest (see `CollectionEvents`). */
  readonly events = new ListenerSafeEmitter<CollectionEvents>();
  readonly sparse: CollectionIndex;
  /** Undefined in a BM25-only collection. */
  dense: CollectionIndex | undefined;
  readonly store: DocumentStore;
  /**
   * The documents' images, stored once by SHA-256; also the collection's `ImageResolver`: pass
   * it to a VLM reranker so that the stored references of its candidates resolve to bytes.
   */
  readonly images: ImageStore;
  readonly chunker: Chunker;
  /** Parents holding the same text as another (the same page in two formats). */
  readonly nearDuplicates: NearDuplicateGroups;
  readonly #reranker: Reranker | undefined;
  readonly #pipelines = new Map<string, Pipeline>();

  constructor(parts: HybridCollectionParts) {
    this.sparse = parts.sparse;
    this.dense = parts.dense;
    this.store = parts.store;
    this.images = parts.images ?? new ImageStore();
    this.chunker = parts.chunker;
    this.nearDuplicates = new NearDuplicateGroups(parts.store);
    this.#reranker = parts.reranker;
  }

  /** Streams documents in (see `IngestSummary` for what is counted). */
  ingest(
    input: AsyncIterable<IngestItem> | Iterable<IngestItem>,
    options?: IngestOptions,
  ): Promise<IngestSummary> {
    return ingestDocuments(this, input, options);
  }

  /** Removes every chunk of a parent document from both sides; returns how many there were. */
  deleteParent(parentId: string): Promise<number> {
    return removeParent(this, parentId);
  }

  /**
   * The image of a stored document: a chunk id or a parent id (an image-only document's id, e.g.
   * `report.pdf#page=2`). A `StoredImageReference` (resolve its bytes with `images.resolveImage`),
   * or undefined when it has none.
   */
  imageOf(id: string): StoredImageReference | undefined {
    const image = this.store.chunk(id)?.image ?? this.store.parent(id)?.image;
    return image && "ref" in image ? image : undefined;
  }

  /**
   * The stored page images (image-only chunks, `metadata.parent` + `metadata.page`) near a text
   * chunk (`metadata.parentId`, `pageStart`–`pageEnd`): those of the pages it spans (at most 4),
   * then of the page after and the page before it — a chart-only page has no text chunk of its
   * own, and the text that points to it ("the chart on the next page") sits beside it. How a
   * text hit brings the picture of its page, or of the chart beside it, to an image reranker.
   */
  pageImagesOf(document: Document): Document[] {
    const { parentId, pageStart, pageEnd } = document.metadata ?? {};
    if (typeof parentId !== "string" || typeof pageStart !== "number") return [];
    const last = typeof pageEnd === "number" ? Math.min(pageEnd, pageStart + 3) : pageStart;
    const pages = [];
    for (let page = pageStart; page <= last; page++) pages.push(page);
    pages.push(last + 1, pageStart - 1);
    return pages.flatMap((page) => this.store.pageImage(parentId, page) ?? []);
  }

  async search(
    query: string,
    options: CollectionSearchOptions = {},
  ): Promise<CollectionSearchResult> {
    const wanted = options.topK ?? 10;
    const candidates = options.candidates ?? 100;
    const collapsing = !options.keepDuplicates && this.nearDuplicates.groups.length > 0;
    // Collapsing drops the copies' hits: ask for more so that `topK` remain.
    const topK: StageTopK = {
      retrieve: candidates,
      final: collapsing ? Math.max(wanted, Math.min(candidates, wanted * 3)) : wanted,
    };
    const pageImages =
      options.pageImages === "add"
        ? { pageImages: "add" as const, maxPageImages: options.maxPageImages }
        : undefined;
    const pipeline =
      options.fusion && this.dense
        ? this.#createPipeline(topK, options.fusion, pageImages)
        : this.#pipeline(topK, pageImages);
    const result = await pipeline.run(query, {
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { hits, alsoIn } = collapsing
      ? collapseNearDuplicates(result.hits, this.nearDuplicates, this.store, wanted)
      : { hits: result.hits, alsoIn: {} };
    const parents = collapseToParents(hits).map((parent) =>
      alsoIn[parent.parentId] ? { ...parent, alsoIn: alsoIn[parent.parentId] } : parent,
    );
    return { hits, parents, alsoIn, timings: result.timings, warnings: result.warnings };
  }

  #pipeline(topK: StageTopK, pageImages?: PageImagesChoice): Pipeline {
    const key = `${topK.retrieve}/${topK.final}/${pageImages ? `add-${pageImages.maxPageImages ?? ""}` : "off"}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      pipeline = this.#createPipeline(topK, undefined, pageImages);
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** Forgets the pipelines built over the previous sides (a dense side was added). */
  protected sidesChanged(): void {
    this.#pipelines.clear();
  }

  #createPipeline(topK: StageTopK, fusion?: Fusion, pageImages?: PageImagesChoice): Pipeline {
    return createPipeline({
      // Without a dense side the BM25 list is the result: one retriever, nothing to fuse.
      retrievers: this.dense ? [this.sparse, this.dense] : [this.sparse],
      ...(this.#reranker ? { reranker: this.#reranker } : {}),
      ...(fusion ? { fusion } : {}),
      topK,
      ...(pageImages
        ? {
            pageImages: "add",
            pageImageSource: this,
            ...(pageImages.maxPageImages !== undefined
              ? { maxPageImages: pageImages.maxPageImages }
              : {}),
          }
        : {}),
    });
  }
}

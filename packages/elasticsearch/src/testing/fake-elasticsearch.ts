import { createRequire } from "node:module";
import type { errors as errorTypes } from "@elastic/elasticsearch";
import type { MockPattern, ResolverFn } from "@elastic/elasticsearch-mock";
import type { MetadataValue } from "@hybrid-rag/core";
import { metadataValueAt } from "@hybrid-rag/core/internal";
import { ElasticsearchOpenApiValidator } from "./elasticsearch-openapi.ts";
import { fakeAnalyze, fakeNormalizedLength } from "./fake-analysis.ts";

// The mock is CommonJS and tests a returned error with instanceof against the CommonJS build
// of the client, so the fake builds its errors from that build too.
const require = createRequire(import.meta.url);
interface ClientMock {
  add(pattern: MockPattern, resolver: ResolverFn): ClientMock;
  getConnection(): typeof import("@elastic/elasticsearch").BaseConnection;
}
const Mock = require("@elastic/elasticsearch-mock") as new () => ClientMock;
/** The client's error classes as the mock sees them (use these to inject request faults). */
export const clientErrors = require("@elastic/elasticsearch").errors as typeof errorTypes;

type Source = Record<string, unknown> & { id: string; content?: string };
type Params = { method: string; path: string; body: unknown; querystring: Record<string, unknown> };

interface FakeIndex {
  readonly definition: Record<string, unknown>;
  /** Written documents; `visible` is what searches see (updated on refresh, like Lucene). */
  readonly written: Map<string, Source>;
  visible: Map<string, Source>;
  readonly fieldTypes: Map<string, string>;
}

/** Decides the fate of one bulk item: a status to answer instead of applying it, or nothing. */
export type BulkItemFault = (id: string, attempt: number) => number | undefined;
/** Fails a whole request: return an error (ResponseError, ConnectionError, TimeoutError) or nothing. */
export type RequestFault = (path: string, body: unknown) => Error | undefined;

/**
 * Compiling the API takes seconds: one validator serves every fake of a test file, made when the
 * file loads (outside any test's timeout) with the bodies the fake's routes take.
 */
const sharedValidator = new ElasticsearchOpenApiValidator();
sharedValidator.precompile(["PUT /{index}", "POST /{index}/_bulk", "POST /{index}/_search"]);
function openApiValidator(): ElasticsearchOpenApiValidator {
  return sharedValidator;
}

/**
 * Elasticsearch as seen through `@elastic/elasticsearch-mock`: the handlers keep indices in
 * memory and answer like a single-node cluster (BM25 with the index's k1/b on the `content`
 * field, analysed by the fake's own approximate analyzer of that name (never @hybrid-rag/bm25's:
 * the fake must not score with the engine it is compared with), with one-byte length norms and
 * float32 steps; ties in Lucene's document order, where an update moves a
 * document to the end; keyword/double/boolean dynamic mapping of metadata with mapping
 * conflicts rejected per item, term/terms/range filters, refresh visibility). Every request is
 * first validated against Elasticsearch's published API (`ElasticsearchOpenApiValidator`,
 * strict): one that breaks it is answered 400 and kept in `violations`. Faults can be
 * injected per bulk item (429, 5xx) or per request.
 */
export class FakeElasticsearch {
  readonly mock = new Mock();
  /**
   * Requests that broke Elasticsearch's published API (`elasticsearch-openapi-stack.json`,
   * strict): each was answered 400, as Elasticsearch would, and is kept here for the test.
   */
  readonly violations: string[] = [];
  readonly indices = new Map<string, FakeIndex>();
  readonly requests: Array<{ method: string; path: string; body: unknown }> = [];
  bulkItemFault: BulkItemFault | undefined;
  requestFault: RequestFault | undefined;
  readonly #attempts = new Map<string, number>();

  constructor() {
    const route = (
      method: string | string[],
      path: string | string[],
      handler: (params: Params) => unknown,
    ) => {
      this.mock.add({ method, path }, (params: unknown) => {
        const typed = params as unknown as Params;
        this.requests.push({ method: typed.method, path: typed.path, body: typed.body });
        const problems = openApiValidator().problems(
          typed.method,
          typed.path,
          typed.querystring ?? {},
          typed.body,
        );
        if (problems.length > 0) {
          this.violations.push(...problems);
          return responseError(400, "x_content_parse_exception", problems.join("; ")) as never;
        }
        const fault = this.requestFault?.(typed.path, typed.body);
        if (fault) return fault as never;
        return handler(typed) as never;
      });
    };
    route("HEAD", "/:index", (params) => (this.#index(params) ? "" : notFound(params)));
    route("PUT", "/:index", (params) => this.#create(params));
    route("DELETE", "/:index", (params) => {
      this.indices.delete(indexName(params));
      return { acknowledged: true };
    });
    route("POST", "/:index/_bulk", (params) => this.#bulk(params));
    route(["POST", "GET"], "/:index/_refresh", (params) => {
      const index = this.#index(params);
      if (!index) return notFound(params);
      index.visible = new Map(index.written);
      return { _shards: { total: 1, successful: 1, failed: 0 } };
    });
    route(["POST", "GET"], "/:index/_count", (params) => {
      const index = this.#index(params);
      return index ? { count: index.visible.size } : notFound(params);
    });
    route(["POST", "GET"], "/:index/_search", (params) => this.#search(params));
    route("GET", "/:index/_mapping/field/:fields", (params) => this.#fieldMapping(params));
  }

  /** `GET /<index>/_mapping/field/<a,b>`: the dynamically mapped type of each field asked for. */
  #fieldMapping(params: Params) {
    const index = this.#index(params);
    if (!index) return notFound(params);
    const fields = decodeURIComponent(params.path.split("/")[4] ?? "").split(",");
    const mappings = Object.fromEntries(
      fields
        .filter((field) => index.fieldTypes.has(field))
        .map((field) => [
          field,
          {
            full_name: field,
            mapping: { [field.split(".").at(-1)!]: { type: index.fieldTypes.get(field) } },
          },
        ]),
    );
    return { [indexName(params)]: { mappings } };
  }

  connection() {
    return this.mock.getConnection();
  }

  #index(params: Params): FakeIndex | undefined {
    return this.indices.get(indexName(params));
  }

  #create(params: Params) {
    const name = indexName(params);
    if (this.indices.has(name)) {
      return responseError(
        400,
        "resource_already_exists_exception",
        `index [${name}] already exists`,
      );
    }
    const definition = params.body as Record<string, unknown>;
    this.indices.set(name, {
      definition,
      written: new Map(),
      visible: new Map(),
      fieldTypes: new Map(),
    });
    return { acknowledged: true, shards_acknowledged: true, index: name };
  }

  #bulk(params: Params) {
    const index = this.#index(params);
    if (!index) return notFound(params);
    const lines = params.body as Array<Record<string, unknown>>;
    const items: Array<Record<string, unknown>> = [];
    for (let line = 0; line < lines.length; line++) {
      const [action, meta] = Object.entries(lines[line]!)[0] as [string, { _id: string }];
      const id = meta._id;
      const key = `${action}:${id}`;
      const attempt = (this.#attempts.get(key) ?? 0) + 1;
      this.#attempts.set(key, attempt);
      const source = action === "index" ? (lines[++line] as Source) : undefined;
      const fault = this.bulkItemFault?.(id, attempt);
      if (fault !== undefined) {
        items.push({
          [action]: {
            _id: id,
            status: fault,
            error: {
              type:
                fault === 429 ? "es_rejected_execution_exception" : "unavailable_shards_exception",
              reason: "injected",
            },
          },
        });
        continue;
      }
      if (action === "delete") {
        const existed = index.written.delete(id);
        items.push({
          delete: {
            _id: id,
            status: existed ? 200 : 404,
            result: existed ? "deleted" : "not_found",
          },
        });
        continue;
      }
      const conflict = mappingConflict(index, source!);
      if (conflict) {
        items.push({
          index: {
            _id: id,
            status: 400,
            error: { type: "document_parsing_exception", reason: conflict },
          },
        });
        continue;
      }
      const created = !index.written.has(id);
      // Lucene updates are a delete plus an append: the document moves to the end.
      index.written.delete(id);
      index.written.set(id, source!);
      items.push({
        index: { _id: id, status: created ? 201 : 200, result: created ? "created" : "updated" },
      });
    }
    return {
      took: 1,
      errors: items.some(
        (item) => Number((Object.values(item)[0] as { status: number }).status) >= 300,
      ),
      items,
    };
  }

  #search(params: Params) {
    const index = this.#index(params);
    if (!index) return notFound(params);
    const body = params.body as {
      size: number;
      query?: LexicalQuery;
      retriever?: Record<string, unknown>;
      _source: string[] | false;
    };
    const scored = body.retriever
      ? fuseRetrievers(index, body.retriever)
      : lexicalHits(index, body.query!);
    const hits = scored.slice(0, body.size).map(({ source, score }) => ({
      _index: indexName(params),
      _id: source.id,
      _score: score,
      ...(body._source === false
        ? {}
        : {
            _source: Object.fromEntries(
              Object.entries(source).filter(([key]) => (body._source as string[]).includes(key)),
            ),
          }),
    }));
    return { took: 1, timed_out: false, hits: { max_score: hits[0]?._score ?? null, hits } };
  }
}

type LexicalQuery = {
  bool: { must: { match: Record<string, { query: string }> }; filter: object[] };
};
type Scored = { source: Source; score: number };

/** Lucene's BM25 over the visible documents; equal scores in document order. */
function lexicalHits(index: FakeIndex, query: LexicalQuery): Scored[] {
  const analyze = analyzerOf(index);
  const queryTokens = analyze(Object.values(query.bool.must.match)[0]!.query);
  const similarity = Object.values(
    (index.definition.settings as { similarity: Record<string, { k1: number; b: number }> })
      .similarity,
  )[0]!;
  const documents = [...index.visible.values()];
  const tokenized = documents.map((source) => analyze(source.content ?? ""));
  const withField = tokenized.filter((tokens) => tokens.length > 0).length;
  const averageLength = Math.fround(
    tokenized.reduce((sum, tokens) => sum + tokens.length, 0) / Math.max(1, withField),
  );
  const scored: Scored[] = [];
  documents.forEach((source, position) => {
    if (!query.bool.filter.every((clause) => matchesClause(source, clause))) return;
    const tokens = tokenized[position]!;
    const length = fakeNormalizedLength(tokens.length);
    let score = 0;
    for (const term of queryTokens) {
      const frequency = tokens.filter((token) => token === term).length;
      if (frequency === 0) continue;
      const withTerm = tokenized.filter((other) => other.includes(term)).length;
      const idf = Math.fround(Math.log(1 + (withField - withTerm + 0.5) / (withTerm + 0.5)));
      const cache = Math.fround(
        1 / (similarity.k1 * (1 - similarity.b + (similarity.b * length) / averageLength)),
      );
      score = Math.fround(score + Math.fround(idf - idf / (1 + frequency * cache)));
    }
    if (score > 0) scored.push({ source, score });
  });
  // Stable sort: equal scores keep Lucene's document order.
  return scored.sort((a, b) => b.score - a.score);
}

type KnnSpec = {
  field: string;
  query_vector: number[];
  k: number;
  filter?: { bool: { filter: object[] } };
};

/** Exact kNN with Elasticsearch's cosine score, (1 + cos) / 2. */
function knnHits(index: FakeIndex, knn: KnnSpec): Scored[] {
  const clauses = knn.filter?.bool.filter ?? [];
  const norm = (vector: number[]) => Math.hypot(...vector) || 1;
  const queryNorm = norm(knn.query_vector);
  return [...index.visible.values()]
    .filter(
      (source) =>
        Array.isArray(source[knn.field]) &&
        clauses.every((clause) => matchesClause(source, clause)),
    )
    .map((source) => {
      const vector = source[knn.field] as number[];
      const cosine =
        vector.reduce((sum, value, i) => sum + value * knn.query_vector[i]!, 0) /
        norm(vector) /
        queryNorm;
      return { source, score: (1 + cosine) / 2 };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, knn.k);
}

function hitsOf(index: FakeIndex, retriever: Record<string, unknown>): Scored[] {
  if ("standard" in retriever)
    return lexicalHits(index, (retriever.standard as { query: LexicalQuery }).query);
  return knnHits(index, retriever.knn as KnnSpec);
}

/** The `rrf` and `linear` retrievers as Elasticsearch documents them. */
function fuseRetrievers(index: FakeIndex, retriever: Record<string, unknown>): Scored[] {
  const fused = new Map<string, Scored>();
  const add = (source: Source, score: number) => {
    const entry = fused.get(source.id) ?? { source, score: 0 };
    entry.score += score;
    fused.set(source.id, entry);
  };
  if ("rrf" in retriever) {
    const rrf = retriever.rrf as {
      retrievers: Array<Record<string, unknown>>;
      rank_constant: number;
      rank_window_size: number;
    };
    for (const child of rrf.retrievers) {
      hitsOf(index, child)
        .slice(0, rrf.rank_window_size)
        .forEach(({ source }, position) => {
          add(source, 1 / (rrf.rank_constant + position + 1));
        });
    }
  } else {
    const linear = retriever.linear as {
      retrievers: Array<{ retriever: Record<string, unknown>; weight: number; normalizer: string }>;
      rank_window_size: number;
    };
    for (const child of linear.retrievers) {
      const hits = hitsOf(index, child.retriever).slice(0, linear.rank_window_size);
      const scores = hits.map((hit) => hit.score);
      const [min, max] = [Math.min(...scores), Math.max(...scores)];
      const l2 = Math.hypot(...scores) || 1;
      for (const { source, score } of hits) {
        const normalized =
          child.normalizer === "minmax"
            ? max - min < 1e-6
              ? 1
              : (score - min) / (max - min)
            : child.normalizer === "l2_norm"
              ? score / l2
              : score;
        add(source, child.weight * normalized);
      }
    }
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

function analyzerOf(index: FakeIndex): (text: string) => string[] {
  const mappings = index.definition.mappings as { properties: { content: { analyzer: string } } };
  const name = mappings.properties.content.analyzer;
  return (text) => fakeAnalyze(name, text);
}

function indexName(params: Params): string {
  return decodeURIComponent(params.path.split("/")[1]!);
}

function notFound(params: Params) {
  return responseError(404, "index_not_found_exception", `no such index [${indexName(params)}]`);
}

export function responseError(status: number, type: string, reason: string) {
  return new clientErrors.ResponseError({
    body: { error: { root_cause: [{ type, reason }], type, reason }, status },
    statusCode: status,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

function typeOf(value: unknown): string | undefined {
  if (typeof value === "string") return "keyword";
  if (typeof value === "number") return "double";
  if (typeof value === "boolean") return "boolean";
  return undefined;
}

/** Dynamic mapping as Elasticsearch does it: the first value fixes a field's type. */
function mappingConflict(index: FakeIndex, source: Source): string | undefined {
  const leaves: Array<[string, unknown]> = [];
  const walk = (prefix: string, value: unknown) => {
    if (Array.isArray(value)) for (const item of value) walk(prefix, item);
    else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) walk(`${prefix}.${key}`, child);
    } else if (value !== null) leaves.push([prefix, value]);
  };
  walk("metadata", source.metadata ?? {});
  for (const [path, value] of leaves) {
    const type = typeOf(value)!;
    const mapped = index.fieldTypes.get(path);
    if (mapped !== undefined && mapped !== type && !(mapped === "keyword" && type !== "keyword")) {
      return `failed to parse field [${path}] of type [${mapped}]: ${JSON.stringify(value)}`;
    }
  }
  for (const [path, value] of leaves)
    if (!index.fieldTypes.has(path)) index.fieldTypes.set(path, typeOf(value)!);
  return undefined;
}

function matchesClause(source: Source, clause: object): boolean {
  const [kind, spec] = Object.entries(clause)[0] as [string, Record<string, unknown>];
  if (kind === "bool") return false; // only used as "match nothing"
  const [field, condition] = Object.entries(spec)[0]!;
  const value = metadataValueAt(
    source.metadata as Record<string, MetadataValue> | undefined,
    field.replace(/^metadata\./, ""),
  );
  const values = (Array.isArray(value) ? value : [value]).filter(
    (item) => item !== undefined && item !== null,
  );
  if (kind === "term") return values.some((item) => item === condition);
  if (kind === "terms") return values.some((item) => (condition as unknown[]).includes(item));
  const range = condition as Record<string, number | string>;
  return values.some((item) => {
    const v = item as number | string;
    return (
      (range.gt === undefined || v > range.gt) &&
      (range.gte === undefined || v >= range.gte) &&
      (range.lt === undefined || v < range.lt) &&
      (range.lte === undefined || v <= range.lte)
    );
  });
}

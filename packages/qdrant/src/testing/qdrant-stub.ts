import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetadataValue } from "@hybrid-rag/core";
import { metadataValueAt } from "@hybrid-rag/core/internal";
import { QdrantOpenApiValidator } from "./qdrant-openapi.ts";
import type {
  Condition as ConditionInput,
  CountPointsRequest,
  CreateCollectionRequest,
  DeletePointsRequest,
  Filter as FilterInput,
  QueryPointsRequest,
  QueryStep,
  RetrievePointsRequest,
  SparseVector as Sparse,
  UpsertPointsRequest,
} from "./qdrant-request-types.ts";

let sharedValidator: QdrantOpenApiValidator | undefined;
/** Vectors by name; the unnamed vector of a single-vector collection is "". */
type Point = {
  id: string | number;
  vectors: Record<string, number[] | Sparse>;
  payload: Record<string, unknown>;
};
type Collection = {
  dense: Map<string, { size: number; distance: string }>;
  sparse: Map<string, "idf" | "none">;
  points: Map<string | number, Point>;
};

/** What to do to one request instead of answering it. */
export type StubFault =
  | { kind: "reset" }
  | { kind: "hang" }
  | { kind: "status"; status: number; retryAfterSeconds?: number };

/**
 * A loopback HTTP server speaking the parts of Qdrant's REST API the adapter uses: collection
 * exists/create/get/delete, points upsert/retrieve/delete/count/query (exact scoring with the
 * collection's distance, payload filters). Every request (method, path and body) is validated
 * against Qdrant's published OpenAPI document (`QdrantOpenApiValidator`, strict: undeclared and
 * deprecated properties are refused); violations answer 400 as Qdrant does and are recorded in
 * `violations`. `fault` injects connection resets, hangs (timeouts) and statuses.
 */
export class QdrantStub {
  readonly collections = new Map<string, Collection>();
  readonly violations: string[] = [];
  readonly requests: Array<{ method: string; path: string; body: unknown }> = [];
  fault: ((method: string, path: string, body: unknown) => StubFault | undefined) | undefined;
  readonly #server: Server;
  readonly #validator: QdrantOpenApiValidator;

  constructor() {
    // Compiling the document takes a moment: one validator serves every stub of a test file.
    sharedValidator ??= new QdrantOpenApiValidator();
    this.#validator = sharedValidator;
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        send(response, 500, { status: { error: String(error) }, time: 0 });
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    // Hung requests (injected timeouts) would keep close() waiting: drop every connection.
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body: unknown = text.length > 0 ? JSON.parse(text) : undefined;
    const url = new URL(request.url ?? "/", "http://stub");
    const method = request.method ?? "GET";
    this.requests.push({ method, path: url.pathname, body });
    const fault = this.fault?.(method, url.pathname, body);
    if (fault?.kind === "reset") {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "hang") return;
    if (fault?.kind === "status") {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined
          ? {}
          : { "retry-after": String(fault.retryAfterSeconds) };
      send(response, fault.status, { status: { error: "injected fault" }, time: 0 }, headers);
      return;
    }
    const problems = this.#validator.problems(method, url.pathname, body);
    if (problems.length > 0) {
      this.violations.push(...problems);
      send(response, 400, qdrantError(`Format error in JSON body: ${problems.join("; ")}`));
      return;
    }
    const [, collections, name, ...rest] = url.pathname.split("/");
    if (collections !== "collections" || name === undefined)
      return notFound(response, url.pathname);
    const collectionName = decodeURIComponent(name);
    const route = `${method} ${rest.join("/")}`;
    const collection = this.collections.get(collectionName);
    const ok = (result: unknown) => send(response, 200, { result, status: "ok", time: 0.0001 });
    if (route === "GET exists") return ok({ exists: collection !== undefined });
    if (route === "PUT ") {
      const create = body as CreateCollectionRequest;
      if (collection)
        return send(
          response,
          409,
          qdrantError(`Wrong input: Collection \`${collectionName}\` already exists!`),
        );
      const dense =
        "size" in create.vectors
          ? new Map([["", create.vectors as { size: number; distance: string }]])
          : new Map(
              Object.entries(create.vectors as Record<string, { size: number; distance: string }>),
            );
      const sparse = new Map(
        Object.entries(create.sparse_vectors ?? {}).map(
          ([name, params]) => [name, params.modifier ?? "none"] as const,
        ),
      );
      this.collections.set(collectionName, { dense, sparse, points: new Map() });
      return ok(true);
    }
    if (!collection)
      return send(
        response,
        404,
        qdrantError(`Not found: Collection \`${collectionName}\` doesn't exist!`),
      );
    if (route === "GET ") {
      return ok({
        status: "green",
        optimizer_status: "ok",
        points_count: collection.points.size,
        config: {
          params: {
            vectors: collection.dense.has("")
              ? collection.dense.get("")
              : Object.fromEntries(collection.dense),
          },
        },
        payload_schema: {},
      });
    }
    if (route === "DELETE ") {
      this.collections.delete(collectionName);
      return ok(true);
    }
    if (route === "PUT points") {
      const upsert = body as UpsertPointsRequest;
      const points: Point[] = [];
      for (const point of upsert.points) {
        const vectors: Record<string, number[] | Sparse> = Array.isArray(point.vector)
          ? { "": point.vector }
          : (point.vector as Record<string, number[] | Sparse>);
        for (const [name, vector] of Object.entries(vectors)) {
          const dense = collection.dense.get(name);
          const problem = Array.isArray(vector)
            ? dense === undefined
              ? `Not existing vector name error: ${name || "(unnamed)"}`
              : vector.length !== dense.size
                ? `Vector dimension error: expected dim: ${dense.size}, got ${vector.length}`
                : undefined
            : collection.sparse.has(name)
              ? undefined
              : `Not existing vector name error: ${name}`;
          if (problem) return send(response, 400, qdrantError(`Wrong input: ${problem}`));
          if (Array.isArray(vector) && dense?.distance === "Cosine")
            vectors[name] = normalized(vector);
        }
        points.push({ id: point.id, vectors, payload: point.payload ?? {} });
      }
      for (const point of points) collection.points.set(point.id, point);
      return ok({ operation_id: 1, status: "completed" });
    }
    if (route === "POST points") {
      const retrieve = body as RetrievePointsRequest;
      return ok(retrieve.ids.filter((id) => collection.points.has(id)).map((id) => ({ id })));
    }
    if (route === "POST points/delete") {
      const remove = body as DeletePointsRequest;
      for (const id of remove.points) collection.points.delete(id);
      return ok({ operation_id: 2, status: "completed" });
    }
    if (route === "POST points/count") {
      const count = body as CountPointsRequest;
      return ok({
        count: [...collection.points.values()].filter((point) => matchesFilter(point, count.filter))
          .length,
      });
    }
    if (route === "POST points/query") {
      const query = body as QueryPointsRequest;
      return ok({ points: search(collection, query) });
    }
    return notFound(response, url.pathname);
  }
}

type Scored = { point: Point; score: number };

function search(collection: Collection, query: QueryPointsRequest) {
  const scored = rank(collection, query, query.limit ?? 10);
  return scored.map(({ point, score }) => ({
    id: point.id,
    version: 0,
    score,
    payload: selectPayload(point.payload, query.with_payload),
  }));
}

/** One query step: nearest neighbours (dense or sparse), or a fusion of its prefetches. */
function rank(collection: Collection, step: QueryStep, limit: number): Scored[] {
  const candidates = [...collection.points.values()].filter((point) =>
    matchesFilter(point, step.filter),
  );
  const query = step.query ?? undefined;
  if (query && ("fusion" in query || "rrf" in query)) {
    const lists = asList(step.prefetch).map((prefetch) =>
      rank(collection, prefetch, prefetch.limit ?? 10),
    );
    const allowed = new Set(candidates.map((point) => point.id));
    const fused =
      "rrf" in query || query.fusion === "rrf"
        ? reciprocalRank(lists, "rrf" in query ? (query.rrf.k ?? 2) : 2)
        : distributionBased(lists);
    return fused.filter(({ point }) => allowed.has(point.id)).slice(0, limit);
  }
  const name = step.using ?? "";
  if (query && !Array.isArray(query) && "indices" in query) {
    return sparseScores(collection, name, query, candidates).slice(0, limit);
  }
  const dense = collection.dense.get(name)!;
  const raw = (query as number[] | undefined) ?? [];
  const vector = dense.distance === "Cosine" ? normalized(raw) : raw;
  const euclid = dense.distance === "Euclid";
  return candidates
    .map((point) => {
      const stored = point.vectors[name] as number[];
      const score = euclid
        ? Math.hypot(...stored.map((value, i) => value - vector[i]!))
        : stored.reduce((sum, value, i) => sum + value * vector[i]!, 0);
      return { point, score };
    })
    .sort((a, b) => (euclid ? a.score - b.score : b.score - a.score))
    .slice(0, limit);
}

/** Sparse dot product; with the IDF modifier each term is weighted ln((N − n + 0.5) / (n + 0.5) + 1). */
function sparseScores(
  collection: Collection,
  name: string,
  query: Sparse,
  candidates: Point[],
): Scored[] {
  const withVector = [...collection.points.values()].filter(
    (point) => point.vectors[name] !== undefined,
  );
  const idf = (term: number) => {
    if (collection.sparse.get(name) !== "idf") return 1;
    const containing = withVector.filter((point) =>
      (point.vectors[name] as Sparse).indices.includes(term),
    ).length;
    return Math.log((withVector.length - containing + 0.5) / (containing + 0.5) + 1);
  };
  return candidates
    .map((point) => {
      const stored = point.vectors[name] as Sparse | undefined;
      let score = 0;
      query.indices.forEach((term, position) => {
        const at = stored?.indices.indexOf(term) ?? -1;
        if (at >= 0) score += query.values[position]! * stored!.values[at]! * idf(term);
      });
      return { point, score };
    })
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score);
}

/** Qdrant's RRF: Σ 1 / (k + pos) over 0-based positions. */
function reciprocalRank(lists: Scored[][], k: number): Scored[] {
  const fused = new Map<string | number, Scored>();
  for (const list of lists) {
    list.forEach(({ point }, position) => {
      const entry = fused.get(point.id) ?? { point, score: 0 };
      entry.score += 1 / (k + position);
      fused.set(point.id, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/** Qdrant's DBSF: per list, (s − (μ − 3σ)) / 6σ with the sample σ; one point or σ = 0 → 0.5. */
function distributionBased(lists: Scored[][]): Scored[] {
  const fused = new Map<string | number, Scored>();
  for (const list of lists) {
    const scores = list.map((item) => item.score);
    const mean = scores.reduce((sum, value) => sum + value, 0) / Math.max(1, scores.length);
    const variance =
      scores.length > 1
        ? scores.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (scores.length - 1)
        : 0;
    const low = mean - 3 * Math.sqrt(variance);
    const high = mean + 3 * Math.sqrt(variance);
    for (const { point, score } of list) {
      const normalizedScore = high === low ? 0.5 : (score - low) / (high - low);
      const entry = fused.get(point.id) ?? { point, score: 0 };
      entry.score += normalizedScore;
      fused.set(point.id, entry);
    }
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

function selectPayload(payload: Record<string, unknown>, selector: unknown) {
  if (selector === false || selector === undefined) return null;
  if (Array.isArray(selector))
    return Object.fromEntries(Object.entries(payload).filter(([key]) => selector.includes(key)));
  return payload;
}

function asList<T>(value: T | T[] | null | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function matchesFilter(point: Point, filter: FilterInput | null | undefined): boolean {
  if (!filter) return true;
  const must = asList(filter.must);
  const should = asList(filter.should);
  const mustNot = asList(filter.must_not);
  return (
    must.every((condition) => matchesCondition(point, condition)) &&
    (filter.should === undefined ||
      filter.should === null ||
      should.some((condition) => matchesCondition(point, condition))) &&
    !mustNot.some((condition) => matchesCondition(point, condition))
  );
}

function matchesCondition(point: Point, condition: ConditionInput): boolean {
  if ("must" in condition || "should" in condition || "must_not" in condition)
    return matchesFilter(point, condition as FilterInput);
  if ("has_id" in condition) return condition.has_id.includes(point.id);
  const payload = point.payload as Record<string, MetadataValue>;
  if ("is_null" in condition) return metadataValueAt(payload, condition.is_null.key) === null;
  if ("is_empty" in condition) {
    const value = metadataValueAt(payload, condition.is_empty.key);
    return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  }
  const field = condition as {
    key: string;
    match?: Record<string, unknown>;
    range?: Record<string, number | string | null>;
  };
  const value = metadataValueAt(payload, field.key);
  const values = (Array.isArray(value) ? value : [value]).filter(
    (item) => item !== undefined && item !== null,
  );
  if (field.match && "value" in field.match)
    return values.some((item) => item === field.match!.value);
  if (field.match && "any" in field.match)
    return values.some((item) => (field.match!.any as unknown[]).includes(item));
  const range = field.range;
  if (range) {
    // Qdrant's RangeInterface: numbers compare numeric payload values, RFC 3339 strings
    // (a DatetimeRange) compare payload strings parsed as date-times.
    const bounds = Object.values(range).filter((bound) => bound !== null && bound !== undefined);
    const datetime = bounds.some((bound) => typeof bound === "string");
    const toNumber = (item: unknown) => (datetime ? Date.parse(String(item)) : Number(item));
    return values.some((item) => {
      if (datetime ? typeof item !== "string" : typeof item !== "number") return false;
      const v = toNumber(item);
      if (Number.isNaN(v)) return false;
      const bound = (key: string) =>
        range[key] === null || range[key] === undefined ? undefined : toNumber(range[key]);
      const [gt, gte, lt, lte] = ["gt", "gte", "lt", "lte"].map(bound);
      return (
        (gt === undefined || v > gt) &&
        (gte === undefined || v >= gte) &&
        (lt === undefined || v < lt) &&
        (lte === undefined || v <= lte)
      );
    });
  }
  return false;
}

function normalized(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

function qdrantError(message: string) {
  return { status: { error: message }, time: 0 };
}

function notFound(response: ServerResponse, path: string) {
  send(response, 404, qdrantError(`Not found: ${path}`));
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type MetadataValue, metadataValueAt } from "@hybrid-rag/core";
import type { z } from "zod";
import {
  type ConditionInput,
  countPointsRequest,
  createCollectionRequest,
  deletePointsRequest,
  type FilterInput,
  queryPointsRequest,
  retrievePointsRequest,
  upsertPointsRequest,
} from "./qdrant-api-schemas.ts";

type Point = { id: string | number; vector: number[]; payload: Record<string, unknown> };
type Collection = {
  size: number;
  distance: string;
  points: Map<string | number, Point>;
  config: unknown;
};

/** What to do to one request instead of answering it. */
export type StubFault =
  | { kind: "reset" }
  | { kind: "hang" }
  | { kind: "status"; status: number; retryAfterSeconds?: number };

/**
 * A loopback HTTP server speaking the parts of Qdrant's REST API the adapter uses: collection
 * exists/create/get/delete, points upsert/retrieve/delete/count/query (exact scoring with the
 * collection's distance, payload filters). Every request body is checked against zod schemas
 * written from Qdrant's OpenAPI description; violations answer 400 as Qdrant does and are
 * recorded in `violations`. `fault` injects connection resets, hangs (timeouts) and statuses.
 */
export class QdrantStub {
  readonly collections = new Map<string, Collection>();
  readonly violations: string[] = [];
  readonly requests: Array<{ method: string; path: string; body: unknown }> = [];
  fault: ((method: string, path: string, body: unknown) => StubFault | undefined) | undefined;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor() {
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        send(response, 500, { status: { error: String(error) }, time: 0 });
      });
    });
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
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
    const [, collections, name, ...rest] = url.pathname.split("/");
    if (collections !== "collections" || name === undefined)
      return notFound(response, url.pathname);
    const collectionName = decodeURIComponent(name);
    const route = `${method} ${rest.join("/")}`;
    const collection = this.collections.get(collectionName);
    const ok = (result: unknown) => send(response, 200, { result, status: "ok", time: 0.0001 });
    if (route === "GET exists") return ok({ exists: collection !== undefined });
    if (route === "PUT ") {
      const create = this.#parse(createCollectionRequest, body, route, response);
      if (!create) return;
      if (collection)
        return send(
          response,
          409,
          qdrantError(`Wrong input: Collection \`${collectionName}\` already exists!`),
        );
      this.collections.set(collectionName, {
        size: create.vectors.size,
        distance: create.vectors.distance,
        points: new Map(),
        config: create,
      });
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
        config: { params: { vectors: { size: collection.size, distance: collection.distance } } },
        payload_schema: {},
      });
    }
    if (route === "DELETE ") {
      this.collections.delete(collectionName);
      return ok(true);
    }
    if (route === "PUT points") {
      const upsert = this.#parse(upsertPointsRequest, body, route, response);
      if (!upsert) return;
      const wrong = upsert.points.find((point) => point.vector.length !== collection.size);
      if (wrong) {
        return send(
          response,
          400,
          qdrantError(
            `Wrong input: Vector dimension error: expected dim: ${collection.size}, got ${wrong.vector.length}`,
          ),
        );
      }
      for (const point of upsert.points) {
        const vector = collection.distance === "Cosine" ? normalized(point.vector) : point.vector;
        collection.points.set(point.id, { id: point.id, vector, payload: point.payload ?? {} });
      }
      return ok({ operation_id: 1, status: "completed" });
    }
    if (route === "POST points") {
      const retrieve = this.#parse(retrievePointsRequest, body, route, response);
      if (!retrieve) return;
      return ok(retrieve.ids.filter((id) => collection.points.has(id)).map((id) => ({ id })));
    }
    if (route === "POST points/delete") {
      const remove = this.#parse(deletePointsRequest, body, route, response);
      if (!remove) return;
      for (const id of remove.points) collection.points.delete(id);
      return ok({ operation_id: 2, status: "completed" });
    }
    if (route === "POST points/count") {
      const count = this.#parse(countPointsRequest, body, route, response);
      if (!count) return;
      return ok({
        count: [...collection.points.values()].filter((point) => matchesFilter(point, count.filter))
          .length,
      });
    }
    if (route === "POST points/query") {
      const query = this.#parse(queryPointsRequest, body, route, response);
      if (!query) return;
      return ok({ points: search(collection, query) });
    }
    return notFound(response, url.pathname);
  }

  #parse<S extends z.ZodType>(
    schema: S,
    body: unknown,
    route: string,
    response: ServerResponse,
  ): z.output<S> | undefined {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const problem = `${route}: ${result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`;
    this.violations.push(problem);
    send(response, 400, qdrantError(`Format error in JSON body: ${problem}`));
    return undefined;
  }
}

function search(collection: Collection, query: z.output<typeof queryPointsRequest>) {
  const vector =
    collection.distance === "Cosine" ? normalized(query.query ?? []) : (query.query ?? []);
  const euclid = collection.distance === "Euclid";
  const scored = [...collection.points.values()]
    .filter((point) => matchesFilter(point, query.filter))
    .map((point) => {
      const score = euclid
        ? Math.hypot(...point.vector.map((value, i) => value - vector[i]!))
        : point.vector.reduce((sum, value, i) => sum + value * vector[i]!, 0);
      return { point, score };
    })
    .sort((a, b) => (euclid ? a.score - b.score : b.score - a.score));
  return scored.slice(0, query.limit ?? 10).map(({ point, score }) => ({
    id: point.id,
    version: 0,
    score,
    payload: selectPayload(point.payload, query.with_payload),
  }));
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
    range?: Record<string, number | null>;
    datetime_range?: Record<string, string | null>;
  };
  const value = metadataValueAt(payload, field.key);
  const values = (Array.isArray(value) ? value : [value]).filter(
    (item) => item !== undefined && item !== null,
  );
  if (field.match && "value" in field.match)
    return values.some((item) => item === field.match!.value);
  if (field.match && "any" in field.match)
    return values.some((item) => (field.match!.any as unknown[]).includes(item));
  const range = field.range ?? field.datetime_range;
  if (range) {
    const toNumber = (item: unknown) =>
      field.datetime_range ? Date.parse(String(item)) : Number(item);
    return values.some((item) => {
      if (field.range ? typeof item !== "number" : typeof item !== "string") return false;
      const v = toNumber(item);
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

// Shapes of the request bodies the stub reads, after QdrantOpenApiValidator has checked them
// against Qdrant's published OpenAPI document: types only, the validation is the document's.

export type PointId = string | number;
export type SparseVector = { indices: number[]; values: number[] };
export type VectorParams = { size: number; distance: string };

export type Condition =
  | { key: string; match?: Record<string, unknown>; range?: Record<string, number | string | null> }
  | { is_null: { key: string } }
  | { is_empty: { key: string } }
  | { has_id: PointId[] }
  | Filter;

export interface Filter {
  must?: Condition | Condition[] | null;
  should?: Condition | Condition[] | null;
  must_not?: Condition | Condition[] | null;
}

export interface CreateCollectionRequest {
  vectors: VectorParams | Record<string, VectorParams>;
  sparse_vectors?: Record<string, { modifier?: "none" | "idf" | null }> | null;
}

export interface UpsertPointsRequest {
  points: Array<{
    id: PointId;
    vector: number[] | Record<string, number[] | SparseVector>;
    payload?: Record<string, unknown> | null;
  }>;
}

export type RetrievePointsRequest = { ids: PointId[] };
export type DeletePointsRequest = { points: PointId[] };
export type CountPointsRequest = { filter?: Filter | null };

export interface QueryStep {
  query?: number[] | SparseVector | { fusion: string } | { rrf: { k?: number | null } } | null;
  using?: string | null;
  filter?: Filter | null;
  limit?: number | null;
  prefetch?: QueryStep | QueryStep[] | null;
}

export interface QueryPointsRequest extends QueryStep {
  with_payload?: boolean | string[] | Record<string, unknown> | null;
}

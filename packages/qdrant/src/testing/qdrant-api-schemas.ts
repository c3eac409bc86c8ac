import { z } from "zod";

// Request bodies of the Qdrant REST endpoints the adapter uses, written from Qdrant's OpenAPI
// description (https://api.qdrant.tech/api-reference, v1.15). Strict objects, so a field
// Qdrant does not know — or a misspelt one — fails the test instead of being ignored.

const pointId = z.union([z.number().int().min(0), z.uuid()]);
const payloadKey = z.string().min(1);
const rangeBound = z.number().nullable().optional();

const match = z.union([
  z.strictObject({ value: z.union([z.string(), z.number().int(), z.boolean()]) }),
  z.strictObject({ any: z.union([z.array(z.string()), z.array(z.number().int())]) }),
  z.strictObject({ except: z.union([z.array(z.string()), z.array(z.number().int())]) }),
  z.strictObject({ text: z.string() }),
]);

const fieldCondition = z.strictObject({
  key: payloadKey,
  match: match.optional(),
  range: z
    .strictObject({ gt: rangeBound, gte: rangeBound, lt: rangeBound, lte: rangeBound })
    .optional(),
  datetime_range: z
    .strictObject({
      gt: z.string().nullable().optional(),
      gte: z.string().nullable().optional(),
      lt: z.string().nullable().optional(),
      lte: z.string().nullable().optional(),
    })
    .optional(),
});

export type ConditionInput =
  | z.infer<typeof fieldCondition>
  | { is_null: { key: string } }
  | { is_empty: { key: string } }
  | { has_id: Array<string | number> }
  | FilterInput;

export interface FilterInput {
  must?: ConditionInput | ConditionInput[] | null;
  should?: ConditionInput | ConditionInput[] | null;
  must_not?: ConditionInput | ConditionInput[] | null;
}

const condition: z.ZodType<ConditionInput> = z.lazy(() =>
  z.union([
    fieldCondition,
    z.strictObject({ is_null: z.strictObject({ key: payloadKey }) }),
    z.strictObject({ is_empty: z.strictObject({ key: payloadKey }) }),
    z.strictObject({ has_id: z.array(pointId) }),
    filter,
  ]),
);
const conditions = z
  .union([condition, z.array(condition)])
  .nullable()
  .optional();

export const filter: z.ZodType<FilterInput> = z.lazy(() =>
  z.strictObject({ must: conditions, should: conditions, must_not: conditions }),
);

const withPayload = z.union([
  z.boolean(),
  z.array(z.string()),
  z.strictObject({ include: z.array(z.string()) }),
  z.strictObject({ exclude: z.array(z.string()) }),
]);

const vectorParams = z.strictObject({
  size: z.number().int().min(1),
  distance: z.enum(["Cosine", "Euclid", "Dot", "Manhattan"]),
  on_disk: z.boolean().optional(),
});

const sparseVector = z
  .strictObject({ indices: z.array(z.number().int().min(0)), values: z.array(z.number()) })
  .refine(
    (vector) => vector.indices.length === vector.values.length,
    "indices and values differ in length",
  );

export const createCollectionRequest = z.strictObject({
  /** One unnamed vector, or named vectors. */
  vectors: z.union([vectorParams, z.record(z.string().min(1), vectorParams)]),
  sparse_vectors: z
    .record(z.string().min(1), z.strictObject({ modifier: z.enum(["none", "idf"]).optional() }))
    .optional(),
  hnsw_config: z
    .strictObject({
      m: z.number().int().min(0).optional(),
      ef_construct: z.number().int().min(4).optional(),
      full_scan_threshold: z.number().int().min(10).optional(),
      on_disk: z.boolean().optional(),
    })
    .optional(),
  quantization_config: z
    .union([
      z.strictObject({
        scalar: z.strictObject({
          type: z.literal("int8"),
          quantile: z.number().optional(),
          always_ram: z.boolean().optional(),
        }),
      }),
      z.strictObject({
        product: z.strictObject({
          compression: z.enum(["x4", "x8", "x16", "x32", "x64"]),
          always_ram: z.boolean().optional(),
        }),
      }),
      z.strictObject({ binary: z.strictObject({ always_ram: z.boolean().optional() }) }),
    ])
    .optional(),
});

export const upsertPointsRequest = z.strictObject({
  points: z
    .array(
      z.strictObject({
        id: pointId,
        vector: z.union([
          z.array(z.number()),
          z.record(z.string().min(1), z.union([z.array(z.number()), sparseVector])),
        ]),
        payload: z.record(z.string(), z.unknown()).nullable().optional(),
      }),
    )
    .min(1),
});

export const retrievePointsRequest = z.strictObject({
  ids: z.array(pointId),
  with_payload: withPayload.optional(),
  with_vector: z.boolean().optional(),
});

export const deletePointsRequest = z.strictObject({ points: z.array(pointId) });

export const countPointsRequest = z.strictObject({
  filter: filter.nullable().optional(),
  exact: z.boolean().optional(),
});

const queryInterface = z.union([
  z.array(z.number()),
  sparseVector,
  z.strictObject({ fusion: z.enum(["rrf", "dbsf"]) }),
  z.strictObject({ rrf: z.strictObject({ k: z.number().int().min(1).optional() }) }),
]);

const prefetch = z.strictObject({
  query: queryInterface.optional(),
  using: z.string().optional(),
  filter: filter.nullable().optional(),
  limit: z.number().int().min(1).optional(),
});

export const queryPointsRequest = z.strictObject({
  query: queryInterface.optional(),
  using: z.string().optional(),
  prefetch: z.union([prefetch, z.array(prefetch)]).optional(),
  filter: filter.nullable().optional(),
  params: z
    .strictObject({ hnsw_ef: z.number().int().min(0).optional(), exact: z.boolean().optional() })
    .optional(),
  limit: z.number().int().min(1).optional(),
  offset: z.number().int().min(0).optional(),
  with_payload: withPayload.optional(),
  with_vector: z.boolean().optional(),
  score_threshold: z.number().optional(),
});

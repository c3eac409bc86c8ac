import { z } from "zod";
import { describeValue } from "./describe-value.ts";
import type { ImageMediaType } from "./document.ts";
import { HybridRagError } from "./errors.ts";
import { imageMediaTypes, sniffImageMediaType } from "./images/image-media-type.ts";

const scalar = z.union([z.string(), z.number().finite(), z.boolean(), z.null()]);

const metadataValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([scalar, z.array(metadataValue), z.record(z.string(), metadataValue)]),
);

const rangeBound = z.union([z.number().finite(), z.string()]);

/** Validates a range condition (`gt`, `gte`, `lt`, `lte`) of a metadata filter. */
export const rangeConditionSchema = z
  .strictObject({
    gt: rangeBound.optional(),
    gte: rangeBound.optional(),
    lt: rangeBound.optional(),
    lte: rangeBound.optional(),
  })
  .refine((range) => Object.keys(range).length > 0, {
    message: "a range needs at least one of gt, gte, lt, lte",
  });

/** Validates a `MetadataFilter` (equality, any-of, ranges, dotted paths). */
export const metadataFilterSchema = z.record(
  z.string().min(1, "filter field names must not be empty"),
  z.union([scalar, z.array(scalar), rangeConditionSchema]),
);

/** Ids are non-empty strings without control characters, at most 512 UTF-8 bytes (Elasticsearch's limit). */
export const documentIdSchema = z
  .string({ error: "document id must be a string" })
  .min(1, "document id must not be empty")
  .refine(
    (id) => ![...id].some((char) => char.charCodeAt(0) < 0x20 || char === "\u007f"),
    "document id must not contain control characters",
  )
  .refine((id) => !/[\ud800-\udfff]/.test(id.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")), {
    message: "document id contains a lone UTF-16 surrogate (not valid Unicode)",
  })
  .refine(
    (id) => Buffer.byteLength(id, "utf8") <= 512,
    "document id must be at most 512 UTF-8 bytes",
  );

const imageMediaTypeSchema = z.enum(imageMediaTypes as [ImageMediaType, ...ImageMediaType[]], {
  error: `image mediaType must be one of ${imageMediaTypes.join(", ")}`,
});
const pixelSize = z.number().int("pixel sizes are whole numbers").min(1).optional();

/** An image held in memory: its declared type must match its bytes' magic numbers. */
const inlineImageSchema = z
  .strictObject({
    mediaType: imageMediaTypeSchema,
    data: z.instanceof(Uint8Array, { error: "image data must be a Uint8Array of the image bytes" }),
    width: pixelSize,
    height: pixelSize,
  })
  .superRefine((image, context) => {
    const found = sniffImageMediaType(image.data);
    if (found !== image.mediaType) {
      context.addIssue({
        code: "custom",
        path: ["data"],
        message:
          found === undefined
            ? `image bytes are not a recognised format (declared ${image.mediaType}): send PNG, JPEG, WebP, GIF, BMP or TIFF bytes`
            : `image is declared as ${image.mediaType} but its bytes are ${found}: declare ${found}`,
      });
    }
  });

/** An image a collection stores: `ref` is the hex SHA-256 of its bytes. */
const storedImageReferenceSchema = z.strictObject({
  mediaType: imageMediaTypeSchema,
  ref: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "image ref must be the lowercase hex SHA-256 of the image bytes"),
  width: pixelSize,
  height: pixelSize,
});

/** Validates a `DocumentImage`: inline bytes (`data`) or a stored reference (`ref`). */
export const documentImageSchema = z.union([inlineImageSchema, storedImageReferenceSchema], {
  error: "image must be {mediaType, data: Uint8Array} or {mediaType, ref: <sha-256 hex>}",
});

/**
 * Validates a `Document` where documents enter (files, HTTP bodies, upserts). A document has
 * text, an image, or both; an image-only document has `text: ""`.
 */
export const documentSchema = z.strictObject({
  id: documentIdSchema,
  text: z.string({ error: 'document text must be a string (use "" for none)' }),
  title: z.string().optional(),
  metadata: z.record(z.string(), metadataValue).optional(),
  image: documentImageSchema.optional(),
});

/** Validates `RetrieveOptions` (what `validateRetrieveCall` checks). */
export const retrieveOptionsSchema = z.strictObject({
  topK: z
    .number({ error: "topK must be a number" })
    .int("topK must be a whole number")
    .min(1, "topK must be at least 1")
    .max(10_000, "topK must be at most 10000"),
  filter: metadataFilterSchema.optional(),
  signal: z.instanceof(AbortSignal).optional(),
  includeDocuments: z.boolean().optional(),
});

/** How `parseWithSchema` reports issues (how many at most). */
export interface ParseWithSchemaOptions {
  /** Issues named in the message at most; the rest are counted ("and 12345 more"). Default 10. */
  readonly maxIssues?: number;
}

/**
 * Parses input against a schema, throwing an `invalid-argument` HybridRagError whose message
 * names the offending paths and values and what was expected. The message and `details` are
 * bounded whatever the input: the first `maxIssues` issues, then a count of the others, each
 * value described in at most 80 characters.
 */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  options: ParseWithSchemaOptions = {},
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const maxIssues = options.maxIssues ?? 10;
  const { issues } = result.error;
  const shown = issues.slice(0, maxIssues);
  const problems = shown.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    const received = describeValueAt(input, issue.path);
    return `${path}: ${issue.message}${received === undefined ? "" : ` (got ${received})`}`;
  });
  const more = issues.length - shown.length;
  const tail = more > 0 ? `; and ${more} more issue${more === 1 ? "" : "s"}` : "";
  throw new HybridRagError("invalid-argument", `Invalid ${what}: ${problems.join("; ")}${tail}.`, {
    details: {
      issues: shown.map(({ code, path, message }) => ({ code, path, message })),
      issueCount: issues.length,
    },
  });
}

function describeValueAt(input: unknown, path: readonly PropertyKey[]): string | undefined {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return describeValue(current);
}

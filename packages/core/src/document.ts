/**
 * A unit of retrievable content. `id` is the only identity: never key documents by text.
 * A document has text, an image, or both; an image-only document has `text: ""` and an
 * `image` (stages that read only text, BM25 and text embedders, skip such documents and
 * report them: nothing is dropped silently).
 */
export interface Document {
  readonly id: string;
  readonly text: string;
  readonly title?: string;
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
  /** A picture the document carries (a PDF page, a figure), for models that look at images. */
  readonly image?: DocumentImage;
}

/** The image formats a document may carry (NIM's VLM reranker recognises these). */
export type ImageMediaType =
  | "image/png"
  | "image/jpeg"
  | "image/webp"
  | "image/gif"
  | "image/bmp"
  | "image/tiff";

/**
 * An image: its bytes, or a reference the collection resolves (content-addressed, stored
 * once beside the document store). `mediaType` is checked against the bytes' magic numbers.
 */
export type DocumentImage = InlineImage | StoredImageReference;

/** An image held in memory. */
export interface InlineImage {
  readonly mediaType: ImageMediaType;
  readonly data: Uint8Array;
  /** Pixel size, when known (renderers know it; checked against the budgets). */
  readonly width?: number;
  readonly height?: number;
}

/** An image stored by a collection: `ref` is its content hash (hex SHA-256 of the bytes). */
export interface StoredImageReference {
  readonly mediaType: ImageMediaType;
  readonly ref: string;
  readonly width?: number;
  readonly height?: number;
}

/** A metadata value that is not a list or an object. */
export type MetadataScalar = string | number | boolean | null;
/** What a document's metadata may hold: scalars, lists and nested objects (JSON). */
export type MetadataValue =
  | MetadataScalar
  | readonly MetadataValue[]
  | { readonly [key: string]: MetadataValue };

/** A unit of retrievable text. `id` is the only identity: never key documents by text. */
export interface Document {
  readonly id: string;
  readonly text: string;
  readonly title?: string;
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

/** A metadata value that is not a list or an object. */
export type MetadataScalar = string | number | boolean | null;
/** What a document's metadata may hold: scalars, lists and nested objects (JSON). */
export type MetadataValue =
  | MetadataScalar
  | readonly MetadataValue[]
  | { readonly [key: string]: MetadataValue };

/** A unit of retrievable text. `id` is the only identity: never key documents by text. */
export interface Document {
  readonly id: string;
  readonly text: string;
  readonly title?: string;
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

export type MetadataScalar = string | number | boolean | null;
export type MetadataValue =
  | MetadataScalar
  | readonly MetadataValue[]
  | { readonly [key: string]: MetadataValue };

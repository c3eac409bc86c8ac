import { HybridRagError } from "@hybrid-rag/core";

/** Images shown by HTML / Markdown files that live in the loaded folder, as image documents. */
export interface EmbeddedImageOptions {
  /** Load them (default false: a text index needs none, and each costs a read). */
  readonly embedded?: boolean;
  /** Bytes one image file may have; a larger one is not read (a warning says so). Default 8 MiB. */
  readonly maxImageBytes?: number;
  /** Pixels one image may have (read from its header); a larger one is not loaded. Default 16,777,216 (4096²). */
  readonly maxImagePixels?: number;
}

export type ResolvedEmbeddedImageOptions = Required<EmbeddedImageOptions>;

export const defaultEmbeddedImageOptions: ResolvedEmbeddedImageOptions = {
  embedded: false,
  maxImageBytes: 8 * 1024 * 1024,
  maxImagePixels: 4096 * 4096,
};

/** Fills in the defaults; a bad value is an `invalid-argument` naming it. */
export function resolveEmbeddedImageOptions(
  options: EmbeddedImageOptions = {},
): ResolvedEmbeddedImageOptions {
  const resolved = { ...defaultEmbeddedImageOptions, ...options };
  if (typeof resolved.embedded !== "boolean") {
    throw new HybridRagError(
      "invalid-argument",
      `images.embedded must be true or false, got ${JSON.stringify(resolved.embedded)}.`,
      { details: { option: "images.embedded" } },
    );
  }
  for (const name of ["maxImageBytes", "maxImagePixels"] as const) {
    const value = resolved[name];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new HybridRagError(
        "invalid-argument",
        `images.${name} must be a whole number of at least 1, got ${String(value)}; leave it out for the default (${defaultEmbeddedImageOptions[name]}).`,
        { details: { option: `images.${name}`, value: String(value) } },
      );
    }
  }
  return resolved;
}

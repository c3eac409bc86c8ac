import { z } from "zod";

/** Per-source weights by source (retriever) name; sources not named weigh 1. */
export const weightsSchema = z.record(
  z.string().min(1, "source names in weights must not be empty"),
  z
    .number({ error: "a weight must be a finite number" })
    .min(0, "a weight must be ≥ 0 (0 removes the source's influence)"),
);

/** Options every fusion method accepts. */
export const commonFusionOptionsShape = {
  weights: weightsSchema.optional(),
  /** Only the first `rankWindow` distinct hits of each list take part (Elasticsearch's rank_window_size). */
  rankWindow: z
    .number({ error: "rankWindow must be a number" })
    .int("rankWindow must be a whole number")
    .min(1, "rankWindow must be at least 1")
    .optional(),
  /** Drop hits returned by fewer than this many sources ("found by at least N sources"). */
  minSources: z
    .number({ error: "minSources must be a number" })
    .int("minSources must be a whole number")
    .min(1, "minSources must be at least 1")
    .optional(),
};

export interface CommonFusionOptions {
  /** Per-source weights by source name (default 1 each); must be finite and ≥ 0. */
  readonly weights?: Readonly<Record<string, number>>;
  /** Only the first `rankWindow` distinct hits of each list take part (default: all). */
  readonly rankWindow?: number;
  /** Keep only hits returned by at least this many sources (default 1). */
  readonly minSources?: number;
}

/** Arithmetic used for scores: float32 reproduces Elasticsearch (Java float) and Qdrant (Rust f32) bit for bit. */
export type Arithmetic = "float64" | "float32";

export const arithmeticSchema = z.enum(["float64", "float32"], {
  error: 'arithmetic must be "float64" or "float32"',
});

export function rounding(arithmetic: Arithmetic): (value: number) => number {
  return arithmetic === "float32" ? Math.fround : identity;
}

function identity(value: number): number {
  return value;
}

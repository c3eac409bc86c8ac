/** Text put before queries and passages; models are trained with these and need them. */
export interface Prefixes {
  readonly query: string;
  readonly passage: string;
}

/**
 * Known conventions: e5 ("query: " / "passage: "), bge v1.5 English (an instruction on queries
 * only), none. Other models: pass `prefixes` explicitly.
 */
export const prefixPresets = {
  none: { query: "", passage: "" },
  e5: { query: "query: ", passage: "passage: " },
  bge: { query: "Represent this sentence for searching relevant passages: ", passage: "" },
} as const satisfies Record<string, Prefixes>;

export type PrefixPreset = keyof typeof prefixPresets;

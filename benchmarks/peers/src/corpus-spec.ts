import type { Corpus } from "./corpus.ts";
import { syntheticCorpus } from "./synthetic-corpus.ts";

/** How a child process rebuilds the parent's corpus exactly (both sources are deterministic). */
export type CorpusSpec =
  | { readonly kind: "scifact"; readonly folder: string; readonly vectorCache: string }
  | {
      readonly kind: "synthetic";
      readonly documents: number;
      readonly queries: number;
      readonly dimension: number;
    };

export async function loadCorpus(spec: CorpusSpec): Promise<Corpus> {
  if (spec.kind === "synthetic") {
    const { documents, queries, dimension } = spec;
    return syntheticCorpus({ documents, queries, dimension });
  }
  // Loaded on demand: it brings in the USE-lite model's modules.
  const { scifactCorpus } = await import("./scifact-corpus.ts");
  return scifactCorpus(spec.folder, spec.vectorCache);
}

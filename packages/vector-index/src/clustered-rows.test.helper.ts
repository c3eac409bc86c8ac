import type { Embedder } from "@hybrid-rag/core";
import { mulberry32 } from "@hybrid-rag/core/internal";

/** Points around 40 random centres (embeddings cluster; uniform noise has no neighbourhoods). */
export function clusteredRows(count: number, dimension: number, seed: number): Float32Array[] {
  const next = mulberry32(seed);
  const gaussian = () =>
    Math.sqrt(-2 * Math.log(Math.max(next(), Number.EPSILON))) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: 40 }, () =>
    Float32Array.from({ length: dimension }, gaussian),
  );
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(next() * centres.length)]!;
    return Float32Array.from(centre, (value) => value + 0.4 * gaussian());
  });
}

export function rowsEmbedder(rows: Float32Array[], queries: Float32Array[]): Embedder {
  return {
    name: "rows",
    dimension: rows[0]!.length,
    embedPassages: async (texts) => texts.map((text) => rows[Number(text)]!),
    embedQueries: async (texts) => texts.map((text) => queries[Number(text)]!),
  };
}

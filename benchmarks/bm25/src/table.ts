import type { EngineResult } from "./engines.ts";
import { warmUpPolicyText } from "./warm-up.ts";

const fixed = (value: number, digits = 2) => value.toFixed(digits);

/** One row per engine, with query throughput and build time relative to Lucene. */
export function printTable(results: readonly EngineResult[]): void {
  const lucene = results.find((result) => result.engine.startsWith("Lucene"));
  const rows = results.map((result) => ({
    engine: result.engine,
    "index s": fixed(result.indexMs / 1000),
    "index vs Lucene": lucene ? `${fixed(result.indexMs / lucene.indexMs)}×` : "-",
    "queries/s": fixed(result.queriesPerSecond, 0),
    "q/s vs Lucene": lucene ? `${fixed(result.queriesPerSecond / lucene.queriesPerSecond)}×` : "-",
    "p50 ms": fixed(result.p50Ms, 3),
    "p99 ms": fixed(result.p99Ms, 3),
    "memory MB": fixed(result.memoryBytes / 2 ** 20, 0),
    "memory vs Lucene": lucene ? `${fixed(result.memoryBytes / lucene.memoryBytes)}×` : "-",
    "warm-up passes": `${result.warmUpPasses}${result.warmUpStable ? "" : " (cap)"}`,
  }));
  console.table(rows);
  console.log(warmUpPolicyText);
  console.log(
    "memory: live heap after two full GCs, after the build minus before it (V8 heap + array buffers; Java heap)",
  );
}

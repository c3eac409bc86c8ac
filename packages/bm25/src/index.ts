export type { Analyzer } from "./analyzer.ts";
export { englishAnalyzer, porterStem, standardAnalyzer } from "./analyzers.ts";
export { Bm25Index, createBm25Index } from "./bm25-index.ts";
export type { Bm25Field, Bm25IndexOptions } from "./bm25-options.ts";
export { type LoadBm25IndexOptions, loadBm25Index } from "./load-bm25-index.ts";
export { formatVersion } from "./persistence.ts";

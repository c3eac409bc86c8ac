export { type BeirData, readBeir } from "./beir.ts";
export {
  escapeRecord,
  luceneAnalyze,
  luceneBenchmarkCommand,
  luceneSearch,
  oracleUnavailableReason,
  writeRecords,
} from "./lucene-oracle.ts";

export {
  escapeRecord,
  luceneAnalyze,
  luceneBenchmarkCommand,
  luceneSearch,
  oracleUnavailableReason,
  writeRecords,
} from "./lucene-oracle.ts";

export type { CliIo } from "./cli-io.ts";
export { formatSummary, type IngestFlags, ingestCommand } from "./ingest-command.ts";
export { createProgram, runCli } from "./main.ts";
export { type SearchFlags, searchCommand } from "./search-command.ts";

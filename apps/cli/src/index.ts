export { type CliIo, processIo } from "./cli-io.ts";
export { formatSummary, type IngestFlags, ingestCommand } from "./ingest-command.ts";
export { loadFolderOrFile } from "./load-source.ts";
export { createProgram, runCli } from "./main.ts";
export {
  openServedCollection,
  type ServedCollection,
} from "./open-served-collection.ts";
export { type SearchFlags, searchCommand } from "./search-command.ts";
export type { CommandSpec } from "./spec-options.ts";

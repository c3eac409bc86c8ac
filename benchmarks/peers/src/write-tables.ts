import { readResults, writeTables } from "./readme-files.ts";

// pnpm --filter @hybrid-rag/benchmark-peers table [results.json]: the READMEs' tables from the results file.
await writeTables(await readResults(process.argv[2]));

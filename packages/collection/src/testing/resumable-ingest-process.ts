// Run by the resumable-ingest test as a child process, which the test kills (SIGKILL) at a
// random moment. argv: <collection directory> <documents> <dense: 0|1>. Prints "ingesting"
// once loaded (the test times its kill from there) and "done" at the end.
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { durableIngest } from "./durable-ingest.ts";
import { resumableDocuments } from "./resumable-documents.ts";

const [directory, count, dense] = process.argv.slice(2);
const documents = resumableDocuments(Number(count));
process.stdout.write("ingesting\n");
await durableIngest(
  directory!,
  documents,
  dense === "1" ? { embedder: new HashingEmbedder(32) } : {},
);
process.stdout.write("done\n");

// Run by the persistence test as a separate process, which the test kills during the save.
// argv: <collection directory>
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { openCollection } from "../open-collection.ts";

const directory = process.argv[2]!;
const collection = await openCollection(directory, { embedder: new HashingEmbedder(256) });
const extra = Array.from({ length: 50 }, (_, index) => ({
  id: `extra-${index}`,
  text: `An extra document number ${index} about kill switches and interrupted saves.`,
}));
await collection.ingest(extra);
process.stdout.write("saving\n");
await collection.save(directory);
process.stdout.write("saved\n");

// One in-process open of a collection, in a fresh process so that its peak memory is its own:
//   node open-run.ts <collection dir> <query>
// Prints one JSON line: the open's time (openCollection), the first search's time, peak RSS.
// `search-cold-warm.ts --before <checkout>` copies this file into that checkout and runs it
// there, so the open it measures is that checkout's @hybrid-rag/collection.

import { openCollection } from "@hybrid-rag/collection";

const [directory, query] = process.argv.slice(2) as [string, string];
const started = performance.now();
const collection = await openCollection(directory);
const opened = performance.now();
const result = await collection.search(query, { topK: 10 });
// Reads what `hybrid-rag search` prints of each hit (its text), as a user sees it.
const printed = result.hits.reduce((sum, hit) => sum + (hit.document?.text.length ?? 0), 0);
const searched = performance.now();
console.log(
  JSON.stringify({
    openMs: opened - started,
    firstSearchMs: searched - opened,
    peakMib: process.resourceUsage().maxRSS / 1024,
    hits: result.hits.map((hit) => hit.id),
    printed,
  }),
);

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Corpus, scifact, synthetic } from "./corpora.ts";
import {
  type EngineResult,
  runHybridRag,
  runLucene,
  runMiniSearch,
  runOrama,
  runWink,
} from "./engines.ts";
import { printTable } from "./table.ts";

/**
 * pnpm --filter @hybrid-rag/benchmark-bm25 bench [--corpus scifact|synthetic|all] [--docs N]
 *   [--peer-max-docs N] [--rounds N] [--top-k N] [--engines lucene,hybrid-rag,minisearch,orama,wink]
 * Single-threaded; needs Java + liblucene8-java for the Lucene column.
 */
const { values } = parseArgs({
  options: {
    corpus: { type: "string", default: "all" },
    docs: { type: "string", default: "1000000" },
    "peer-max-docs": { type: "string", default: "200000" },
    rounds: { type: "string", default: "5" },
    "top-k": { type: "string", default: "10" },
    engines: { type: "string", default: "lucene,hybrid-rag,minisearch,orama,wink" },
  },
});
const settings = { topK: Number(values["top-k"]), rounds: Number(values.rounds) };
const peerMaxDocs = Number(values["peer-max-docs"]);
const engines = new Set(values.engines.split(","));
const corpora: Array<() => Corpus | Promise<Corpus>> = [];
if (values.corpus === "scifact" || values.corpus === "all") {
  corpora.push(() =>
    scifact(fileURLToPath(new URL("../../../../shared/datasets/scifact", import.meta.url))),
  );
}
if (values.corpus === "synthetic" || values.corpus === "all")
  corpora.push(() => synthetic(Number(values.docs)));

for (const load of corpora) {
  const corpus = await load();
  console.log(
    `\n${corpus.name}: ${corpus.documents.length} documents, ${corpus.queries.length} queries, top-${settings.topK}, ${settings.rounds} timed rounds`,
  );
  const results: EngineResult[] = [];
  if (engines.has("lucene")) results.push(runLucene(corpus, settings));
  if (engines.has("hybrid-rag")) results.push(await runHybridRag(corpus, settings));
  const peers = [
    ["minisearch", runMiniSearch],
    ["orama", runOrama],
    ["wink", runWink],
  ] as const;
  for (const [name, run] of peers) {
    if (!engines.has(name)) continue;
    if (corpus.documents.length > peerMaxDocs) {
      console.log(`(${name} skipped above --peer-max-docs ${peerMaxDocs})`);
    } else {
      results.push(await run(corpus, settings));
    }
  }
  printTable(results);
}

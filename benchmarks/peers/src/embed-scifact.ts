import { fileURLToPath } from "node:url";
import { defaultVectorCache, scifactCorpus } from "./scifact-corpus.ts";

// Fills the USE-lite vector cache for SciFact ahead of `pnpm bench` (which would do it too).
const corpus = await scifactCorpus(
  fileURLToPath(new URL("../../../../shared/datasets/scifact", import.meta.url)),
  process.argv[2] ?? defaultVectorCache,
);
console.log(
  `${corpus.vectors.documents.length} + ${corpus.vectors.queries.length} vectors: ${corpus.vectors.source}`,
);

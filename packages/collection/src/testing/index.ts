export { CountingEmbedder } from "./counting-embedder.ts";
export { holdLockInChild } from "./hold-lock-in-child.ts";
export { RefusingEmbedder } from "./refusing-embedder.ts";
export { deepFacts, fillerParagraph, writeSampleFolder } from "./sample-folder.ts";

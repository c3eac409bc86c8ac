export { CountingEmbedder } from "./counting-embedder.ts";
export { RefusingEmbedder } from "./refusing-embedder.ts";
export { deepFacts, fillerParagraph, writeSampleFolder } from "./sample-folder.ts";

// `@hybrid-rag/bm25/internal`: building blocks the hybrid-rag packages share. Not a stable API:
// it may change in any release. Applications use the public entry point, `@hybrid-rag/bm25`.
export { lengthToNorm, normToLength } from "./small-float.ts";

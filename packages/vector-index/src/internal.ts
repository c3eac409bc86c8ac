// `@hybrid-rag/vector-index/internal`: building blocks the hybrid-rag packages share. Not a stable API:
// it may change in any release. Applications use the public entry point, `@hybrid-rag/vector-index`.
export { TopKHeap } from "./top-k-heap.ts";

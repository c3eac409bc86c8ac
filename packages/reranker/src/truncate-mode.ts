// Its own module so that the remote rerankers (which take `truncate` too) do not import the
// cross-encoder's options, and with them @hybrid-rag/models and onnxruntime-node.
export const truncateModes = ["END", "NONE"] as const;

/** NIM's semantics: END cuts the passage (then the query) to fit; NONE rejects over-length pairs. */
export type TruncateMode = (typeof truncateModes)[number];

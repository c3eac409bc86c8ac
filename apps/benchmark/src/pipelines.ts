import { HybridRagError } from "@hybrid-rag/core";

/** One benchmark configuration: which retrievers run and whether a reranker reorders them. */
export interface PipelineSpec {
  /** As written on the command line, e.g. "dense+sparse+rerank". */
  readonly name: string;
  /** As printed in the table, e.g. "Dense + Sparse + Reranking" (the seed's wording). */
  readonly label: string;
  readonly dense: boolean;
  readonly sparse: boolean;
  readonly rerank: boolean;
  /**
   * The reranker also scores the page images of its candidates' PDF pages (documents whose
   * `metadata.pdf` names one); needs an image-aware (VLM) reranker.
   */
  readonly images: boolean;
}

export const defaultPipelines = "dense,dense+rerank,dense+sparse,dense+sparse+rerank,sparse";

const parts = ["dense", "sparse", "rerank", "images"] as const;

/**
 * Parses `dense,dense+rerank,sparse` (each a `+`-joined set of dense, sparse, rerank, and
 * images, which adds the candidates' page images to what the reranker scores).
 */
export function parsePipelines(list: string): PipelineSpec[] {
  const names = list
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) {
    throw new HybridRagError(
      "invalid-argument",
      `--pipelines is empty; e.g. --pipelines ${defaultPipelines}`,
    );
  }
  const specs = names.map(parsePipeline);
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = spec.name;
    if (seen.has(key)) {
      throw new HybridRagError("invalid-argument", `--pipelines lists "${spec.name}" twice.`);
    }
    seen.add(key);
  }
  return specs;
}

function parsePipeline(name: string): PipelineSpec {
  const pieces = name.split("+").map((piece) => piece.trim());
  const unknown = pieces.filter((piece) => !(parts as readonly string[]).includes(piece));
  const dense = pieces.includes("dense");
  const sparse = pieces.includes("sparse");
  const rerank = pieces.includes("rerank");
  const images = pieces.includes("images");
  if (unknown.length > 0 || (!dense && !sparse) || new Set(pieces).size !== pieces.length) {
    throw new HybridRagError(
      "invalid-argument",
      `Unknown pipeline "${name}": combine dense and/or sparse, optionally with rerank (and images: rerank page images too), joined by "+" (e.g. dense+sparse+rerank).`,
    );
  }
  if (images && !rerank) {
    throw new HybridRagError(
      "invalid-argument",
      `Pipeline "${name}": images adds page images to what the reranker scores, so it needs rerank (e.g. ${name.replace("images", "rerank+images")}).`,
    );
  }
  const label = [dense ? "Dense" : "", sparse ? "Sparse" : "", rerank ? "Reranking" : ""]
    .filter((part) => part.length > 0)
    .join(" + ");
  return {
    name: [
      dense ? "dense" : "",
      sparse ? "sparse" : "",
      rerank ? "rerank" : "",
      images ? "images" : "",
    ]
      .filter(Boolean)
      .join("+"),
    label: images ? `${label} (page images)` : label,
    dense,
    sparse,
    rerank,
    images,
  };
}

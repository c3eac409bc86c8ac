import { totalmem } from "node:os";
import { HybridRagError } from "@hybrid-rag/core";

const gib = 1024 ** 3;

/**
 * Refuses a model whose graph would not fit before anything is allocated: the session holds
 * every weight in the graph's precision, and the build holds the largest tensor twice more
 * (float32 as read, then as stored).
 */
export function assertModelFits(
  directory: string,
  weights: {
    readonly storedBytes: number;
    readonly largestTensorElements: number;
    readonly storedElements: number;
  },
  precision: "float32" | "float16",
  availableBytes: number = totalmem(),
): void {
  const bytesPerWeight = precision === "float16" ? 2 : 4;
  const needed =
    weights.storedElements * bytesPerWeight + weights.largestTensorElements * (4 + bytesPerWeight);
  if (needed > availableBytes) {
    throw new HybridRagError(
      "resource-exhausted",
      `${directory} needs about ${(needed / gib).toFixed(1)} GiB of memory as a ${precision} graph ` +
        `(${weights.storedElements.toLocaleString("en")} weights), more than this machine's ${(availableBytes / gib).toFixed(1)} GiB; ` +
        "use a machine with more memory, a float16 graph, or a smaller model.",
      { isRetryable: false },
    );
  }
}

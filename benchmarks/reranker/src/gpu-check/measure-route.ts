import type { ExecutionProvider } from "@hybrid-rag/models";
import { CrossEncoder } from "@hybrid-rag/reranker";

export interface RouteMeasurement {
  readonly shape: string;
  readonly route: ExecutionProvider;
  readonly provider: ExecutionProvider;
  readonly allNodesOnProvider: boolean;
  readonly precision: "fp32" | "fp16";
  readonly passages: number;
  readonly meanTokens: number;
  readonly modelRunsPerCall: number;
  readonly maxTokensPerBatch: number;
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  readonly pairsPerSecond: number;
}

/**
 * Times `CrossEncoder.scorePairs` (tokenisation included, as the peer's `predict`) on one
 * provider: a warm-up on 16 pairs, then `runs` timed calls on every passage.
 */
export async function measureRoute(options: {
  readonly shape: string;
  readonly modelDirectory: string;
  readonly route: ExecutionProvider;
  readonly precision: "fp32" | "fp16";
  readonly query: string;
  readonly passages: readonly string[];
  readonly runs: number;
}): Promise<RouteMeasurement> {
  const encoder = await CrossEncoder.create({
    model: options.modelDirectory,
    executionProvider: options.route,
    onProviderUnavailable: "fail",
    onCpuNodes: "report",
    precision: options.precision,
  });
  try {
    const { query, passages } = options;
    await encoder.scorePairs(query, passages.slice(0, 16));
    const runsMs: number[] = [];
    let modelRuns = 0;
    for (let run = 0; run < options.runs; run++) {
      const before = encoder.modelRuns;
      const start = performance.now();
      await encoder.scorePairs(query, passages);
      runsMs.push(performance.now() - start);
      modelRuns = encoder.modelRuns - before;
    }
    const lengths = encoder.tokenizePairs(passages.map((passage) => ({ query, passage })));
    const medianMs = median(runsMs);
    const report = encoder.providerReport;
    return {
      shape: options.shape,
      route: options.route,
      provider: report.provider,
      allNodesOnProvider: report.allNodesOnProvider,
      precision: encoder.modelFile.precision,
      passages: passages.length,
      meanTokens: Math.round(lengths.reduce((sum, pair) => sum + pair.length, 0) / lengths.length),
      modelRunsPerCall: modelRuns,
      maxTokensPerBatch: encoder.batchLimits.maxTokensPerBatch,
      runsMs,
      medianMs,
      pairsPerSecond: passages.length / (medianMs / 1000),
    };
  } finally {
    await encoder.release();
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One measured reranker call: tokens it scored and milliseconds it took. */
interface Observation {
  readonly tokens: number;
  readonly ms: number;
}

export interface CostPrediction {
  /** Milliseconds the fitted line predicts. */
  readonly fittedMs: number;
  /** fittedMs × the safety factor: what depth choices are compared with the budget. */
  readonly safeMs: number;
}

/**
 * Learns, per reranker (model and provider), how long scoring takes as a function of tokens:
 * `ms ≈ fixed + perToken × tokens`, fitted by least squares over the last `window` measured
 * calls. Predictions are multiplied by a safety factor, the `quantile` of actual / fitted over
 * the same calls, so that about that share of calls stays within a prediction.
 */
export class RerankCostModel {
  readonly #observations = new Map<string, Observation[]>();
  readonly #window: number;
  readonly #quantile: number;

  constructor(options: { readonly window?: number; readonly quantile?: number } = {}) {
    this.#window = options.window ?? 200;
    this.#quantile = options.quantile ?? 0.95;
  }

  observe(key: string, tokens: number, ms: number): void {
    if (!(tokens > 0) || !Number.isFinite(ms) || ms < 0) return;
    const list = this.#observations.get(key) ?? [];
    list.push({ tokens, ms });
    if (list.length > this.#window) list.shift();
    this.#observations.set(key, list);
  }

  /** Observations so far for `key` (0: nothing to predict from yet). */
  count(key: string): number {
    return this.#observations.get(key)?.length ?? 0;
  }

  /** Undefined until the first observation of `key`. */
  predict(key: string, tokens: number): CostPrediction | undefined {
    const list = this.#observations.get(key);
    if (!list || list.length === 0) return undefined;
    const line = fitLine(list);
    const fitted = (x: number) => line.fixed + line.perToken * x;
    const ratios = list.map((point) => point.ms / Math.max(fitted(point.tokens), 1e-9));
    const factor = Math.max(1, quantile(ratios, this.#quantile));
    const fittedMs = fitted(tokens);
    return { fittedMs, safeMs: fittedMs * factor };
  }
}

/** Least squares with non-negative terms; through the origin when the tokens barely vary. */
function fitLine(points: readonly Observation[]): { fixed: number; perToken: number } {
  const n = points.length;
  const meanX = points.reduce((sum, point) => sum + point.tokens, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.ms, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const point of points) {
    sxx += (point.tokens - meanX) ** 2;
    sxy += (point.tokens - meanX) * (point.ms - meanY);
  }
  const spread = Math.sqrt(sxx / n);
  if (n >= 3 && spread > 0.1 * meanX) {
    const perToken = sxy / sxx;
    const fixed = meanY - perToken * meanX;
    if (perToken > 0 && fixed >= 0) return { fixed, perToken };
  }
  return { fixed: 0, perToken: meanY / meanX };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, position)]!;
}

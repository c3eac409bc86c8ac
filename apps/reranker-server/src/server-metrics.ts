import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { BatchReport } from "./dynamic-batcher.ts";

/** The Prometheus metrics the server exposes at `/v1/metrics` (one registry per server). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"route" | "status">;
  readonly #requestSeconds: Histogram<"route">;
  readonly #batchPairs: Histogram;
  readonly #batchSeconds: Histogram;
  readonly #pairsScored: Counter;
  readonly #batchErrors: Counter;

  constructor(pendingRequests: () => number, modelReady: () => boolean) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: "reranker_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["route", "status"],
      registers,
    });
    this.#requestSeconds = new Histogram({
      name: "reranker_request_duration_seconds",
      help: "Time to answer ranking requests",
      labelNames: ["route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    });
    this.#batchPairs = new Histogram({
      name: "reranker_batch_pairs",
      help: "Query-passage pairs per model batch",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    });
    this.#batchSeconds = new Histogram({
      name: "reranker_batch_duration_seconds",
      help: "Model time per batch",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#pairsScored = new Counter({
      name: "reranker_pairs_scored_total",
      help: "Query-passage pairs scored",
      registers,
    });
    this.#batchErrors = new Counter({
      name: "reranker_batch_errors_total",
      help: "Model batches that failed",
      registers,
    });
    new Gauge({
      name: "reranker_pending_requests",
      help: "Ranking requests waiting or being scored",
      registers,
      collect() {
        this.set(pendingRequests());
      },
    });
    new Gauge({
      name: "reranker_model_ready",
      help: "1 once the model is loaded",
      registers,
      collect() {
        this.set(modelReady() ? 1 : 0);
      },
    });
  }

  recordRequest(route: string, status: number, seconds: number): void {
    this.#requests.inc({ route, status: String(status) });
    this.#requestSeconds.observe({ route }, seconds);
  }

  recordBatch(batch: BatchReport): void {
    this.#batchPairs.observe(batch.pairs);
    this.#batchSeconds.observe(batch.durationMs / 1000);
    if (batch.error) this.#batchErrors.inc();
    else this.#pairsScored.inc(batch.pairs);
  }
}

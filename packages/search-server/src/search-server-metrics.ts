import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The Prometheus metrics at `/v1/metrics` (one registry per server). */
export class SearchServerMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"route" | "status">;
  readonly #seconds: Histogram<"route">;

  constructor(pendingSearches: () => number, documents: () => number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: "search_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["route", "status"],
      registers,
    });
    this.#seconds = new Histogram({
      name: "search_request_duration_seconds",
      help: "Time to answer requests",
      labelNames: ["route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: "search_pending_searches",
      help: "Searches running or waiting",
      registers,
      collect() {
        this.set(pendingSearches());
      },
    });
    new Gauge({
      name: "search_documents",
      help: "Documents in the collection",
      registers,
      collect() {
        this.set(documents());
      },
    });
  }

  recordRequest(route: string, status: number, seconds: number): void {
    this.#requests.inc({ route, status: String(status) });
    this.#seconds.observe({ route }, seconds);
  }
}

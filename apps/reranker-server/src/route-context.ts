import type { RankingService } from "./ranking-service.ts";
import type { RerankerServerSettings } from "./server.ts";
import type { ServerMetrics } from "./server-metrics.ts";

/** What the route modules share with the server. */
export interface RouteContext {
  readonly settings: RerankerServerSettings;
  readonly metrics: ServerMetrics;
  /** The ranking service, once the model has loaded. */
  readonly getService: () => RankingService | undefined;
}

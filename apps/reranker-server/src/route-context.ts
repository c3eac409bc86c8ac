import type { RankingService } from "./ranking-service.ts";
import type { RerankerServerSettings } from "./server.ts";
import type { ServerMetrics } from "./server-metrics.ts";

/** What the route modules share with the server. */
export interface RouteContext {
  readonly settings: RerankerServerSettings;
  readonly metrics: ServerMetrics;
  /** Rejects with `permission-denied` when an API key is configured and the header lacks it. */
  readonly authenticate: (authorization: string | undefined) => Promise<void>;
  /** The ranking service, once the model has loaded. */
  readonly getService: () => RankingService | undefined;
}

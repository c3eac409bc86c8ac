/** Deepest JSON nesting a request body may have: the APIs need 3 levels; 32 leaves room. */
export const maxJsonDepth = 32;

/** Routes that need the API key when one is set (health checks and metrics stay open). */
export const protectedRoutes: ReadonlySet<string> = new Set([
  "/v1/ranking",
  "/v1/rerank",
  "/v2/rerank",
  "/voyage/v1/rerank",
  "/v1/models",
  "/v1/metadata",
]);

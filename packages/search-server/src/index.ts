export { openApiDocument } from "./openapi-document.ts";
export { searchResponseSchema } from "./search-api.ts";
export {
  createSearchServer,
  type SearchServer,
  type SearchServerOptions,
  type ServedCollection,
} from "./search-server.ts";
export {
  type ResolvedSearchServerSettings,
  type SearchServerSettings,
  searchServerSettingsSchema,
} from "./search-server-settings.ts";

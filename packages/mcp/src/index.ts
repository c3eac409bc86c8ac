export {
  type CollectionMcpServerOptions,
  createCollectionMcpServer,
  documentUri,
  type McpCollection,
} from "./collection-mcp-server.ts";
export { describeCollection } from "./describe-collection.ts";
export {
  type McpHttpOptions,
  type McpHttpServer,
  serveMcpOverHttp,
  serveMcpOverStdio,
} from "./serve-mcp.ts";

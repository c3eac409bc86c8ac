import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HybridRagError } from "@hybrid-rag/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

/** Serves on stdin/stdout (what desktop agents spawn). Nothing else may write to stdout. */
export async function serveMcpOverStdio(server: McpServer): Promise<void> {
  await server.connect(new StdioServerTransport());
}

export interface McpHttpOptions {
  /** Default 127.0.0.1: loopback only. Another address exposes the collection: set `apiKey`. */
  readonly host?: string;
  /** Default 0: a free port (read it from `url`). */
  readonly port?: number;
  /** Endpoint path (default "/mcp"). */
  readonly path?: string;
  /** When set, every request needs `Authorization: Bearer <apiKey>`, checked before the body is read. */
  readonly apiKey?: string;
  /** Milliseconds a request may take, body and answer included (default 120,000). */
  readonly requestTimeoutMs?: number;
}

export interface McpHttpServer {
  readonly url: string;
  /** Stops accepting, lets requests in flight finish for at most `graceMs`, then cuts them. */
  close(graceMs?: number): Promise<void>;
}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "::1"]);

/**
 * Streamable HTTP (MCP 2025-03-26 and later), stateless: each POST gets a fresh server from
 * `createMcpServer` and transport, so no session state can pile up. On loopback the Host header
 * must name the loopback address (DNS-rebinding protection, as the SDK recommends).
 */
export async function serveMcpOverHttp(
  createMcpServer: () => McpServer,
  options: McpHttpOptions = {},
): Promise<McpHttpServer> {
  const {
    host = "127.0.0.1",
    port = 0,
    path = "/mcp",
    apiKey,
    requestTimeoutMs = 120_000,
  } = options;
  if (apiKey !== undefined && apiKey.length < 16) {
    throw new HybridRagError(
      "invalid-argument",
      `the API key is ${apiKey.length} characters long; use at least 16 (e.g. \`openssl rand -hex 32\`).`,
    );
  }
  let allowedHosts: string[] | undefined;
  const http: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(jsonRpcError(-32603, `internal error: ${String(error)}`));
      } else response.destroy();
    });
  });
  http.requestTimeout = requestTimeoutMs;
  http.headersTimeout = Math.min(requestTimeoutMs, 30_000);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== path) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(jsonRpcError(-32601, `no MCP endpoint at ${url.pathname}; use ${path}`));
      return;
    }
    if (apiKey !== undefined && !bearerMatches(request.headers.authorization, apiKey)) {
      response.writeHead(401, {
        "content-type": "application/json",
        "www-authenticate": "Bearer",
      });
      response.end(
        jsonRpcError(-32001, "missing or wrong API key: send Authorization: Bearer <key>"),
      );
      request.resume();
      return;
    }
    const server = createMcpServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      ...(allowedHosts ? { enableDnsRebindingProtection: true, allowedHosts } : {}),
    });
    response.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response);
  }

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  if (loopbackHosts.has(host)) {
    allowedHosts = [
      `127.0.0.1:${address.port}`,
      `localhost:${address.port}`,
      `[::1]:${address.port}`,
    ];
  }
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${path}`,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      const deadline = setTimeout(() => http.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(deadline);
    },
  };
}

/** Constant time, as the reranking server checks: both sides hashed, so the length does not leak. */
function bearerMatches(header: string | undefined, apiKey: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? "");
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(match?.[1] ?? ""), digest(apiKey)) && match !== null;
}

function jsonRpcError(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
}

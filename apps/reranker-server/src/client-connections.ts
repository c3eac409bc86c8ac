import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * Closes, at accept, a connection from an address that already holds `maxPerClient` open ones:
 * one client's stalled uploads (each held until the body timeout) cannot take every connection
 * of the server, so other clients and health probes are still served. Behind a proxy every
 * client shares its address: raise the limit to `RERANKER_MAX_CONNECTIONS` there.
 */
export function limitConnectionsPerClient(server: Server, maxPerClient: number): void {
  const openByAddress = new Map<string, number>();
  // Before Node's HTTP parser is attached: a refused socket costs nothing more.
  server.prependListener("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const open = openByAddress.get(address) ?? 0;
    if (open >= maxPerClient) {
      socket.destroy();
      return;
    }
    openByAddress.set(address, open + 1);
    socket.once("close", () => {
      const left = (openByAddress.get(address) ?? 1) - 1;
      if (left === 0) openByAddress.delete(address);
      else openByAddress.set(address, left);
    });
  });
}

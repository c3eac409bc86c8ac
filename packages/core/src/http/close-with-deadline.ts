/** What `closeWithDeadline` needs of an HTTP server framework (Fastify's instance fits). */
export interface ClosableHttpApp {
  close(): PromiseLike<unknown>;
  readonly server: { closeAllConnections(): void };
  readonly log: { warn(details: object, message: string): void };
}

/**
 * Graceful shutdown with a deadline, shared by the hybrid-rag HTTP services: requests whose
 * upload is still arriving (`receiving`: no work done yet) are cut at once; the others may
 * finish until `timeoutMs`, after which the connections still open are closed.
 */
export async function closeWithDeadline(
  app: ClosableHttpApp,
  receiving: Set<{ readonly raw: { readonly socket?: { destroy(): void } | null } }>,
  timeoutMs: number,
): Promise<void> {
  for (const request of receiving) request.raw.socket?.destroy();
  receiving.clear();
  const deadline = setTimeout(() => {
    app.log.warn(
      { shutdownTimeoutMs: timeoutMs },
      "shutdown deadline reached: closing the connections still open",
    );
    app.server.closeAllConnections();
  }, timeoutMs);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
}

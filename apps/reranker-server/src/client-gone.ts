import { HybridRagError } from "@hybrid-rag/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

const clientGone = new WeakMap<FastifyRequest, AbortSignal>();

/**
 * Watches every request's connection from its first byte: a client that hangs up while its body
 * is still being received or parsed is known by the time the handler runs, so its work is dropped
 * before tokenisation rather than done for nobody.
 */
export function trackClientDisconnects(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    const controller = new AbortController();
    clientGone.set(request, controller.signal);
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) {
        controller.abort(
          new HybridRagError("aborted", "The client closed the connection before the answer."),
        );
      }
    });
  });
}

/** Fires when the client goes away before the answer is sent, or when the request times out. */
export function requestSignal(
  request: FastifyRequest,
  reply: FastifyReply,
  timeoutMs: number,
): AbortSignal {
  const timeout = new AbortController();
  const timer = setTimeout(
    () =>
      timeout.abort(
        new HybridRagError(
          "timeout",
          `The request took longer than ${timeoutMs} ms (RERANKER_REQUEST_TIMEOUT_MS); send fewer passages or retry when the server is less busy.`,
        ),
      ),
    timeoutMs,
  );
  reply.raw.once("close", () => clearTimeout(timer));
  const gone = clientGone.get(request);
  return gone === undefined ? timeout.signal : AbortSignal.any([gone, timeout.signal]);
}

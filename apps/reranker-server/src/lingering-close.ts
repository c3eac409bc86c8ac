import type { Socket } from "node:net";

/** How long the connection of a refused upload waits for its client to close, at most. */
export const lingerMilliseconds = 5_000;

const lingering = new WeakSet<Socket>();

/**
 * Makes the connection of a request refused while its body arrives (413) close without
 * destroying the answer. Closing a socket whose client's upload is unread makes the kernel
 * send RST at once, and a client still writing then fails on EPIPE/ECONNRESET, often before it
 * has read the answer already waiting for it (under load it saw no status at all). Instead,
 * once the answer is out, the server half-closes (its FIN follows the answer) and still reads
 * nothing more (the client's writes stall, memory stays bounded); the socket is destroyed when
 * the client closes its side or after `lingerMilliseconds`, by when it has read the answer.
 * Replaces the socket's `destroySoon`, which Node calls after a `Connection: close` answer.
 */
export function closeAfterAnswerWithoutReset(socket: Socket): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  let closing = false;
  socket.destroySoon = () => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => socket.destroy(), lingerMilliseconds);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    socket.once("end", () => socket.destroy());
    socket.end();
  };
}

import type { Chunk } from "@hybrid-rag/chunking";

/** What an unread chunk knows before its line is read: its id and its parent's. */
interface UnreadTarget {
  readonly id: string;
  readonly parentId: string;
}

/**
 * A chunk whose text is still in the store file: a stand-in with the chunk's id that reads its
 * parent's line on the first access to anything else (text, title, metadata, spreading, JSON),
 * then behaves as the chunk read. The indexes hold these from the open on, so the same object is
 * handed out before and after the read. Read-only, as every stored chunk is.
 */
export function unreadChunkFactory(
  read: (id: string, parentId: string) => Chunk,
): (id: string, parentId: string) => Chunk {
  const chunkOf = (target: UnreadTarget) => read(target.id, target.parentId);
  const handler: ProxyHandler<UnreadTarget> = {
    get: (target, key) => (key === "id" ? target.id : Reflect.get(chunkOf(target), key)),
    has: (target, key) => Reflect.has(chunkOf(target), key),
    ownKeys: (target) => Reflect.ownKeys(chunkOf(target)),
    getOwnPropertyDescriptor: (target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(chunkOf(target), key);
      // A proxy may only report configurable properties its own target lacks.
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: (target) => Reflect.getPrototypeOf(chunkOf(target)),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  };
  return (id, parentId) => new Proxy({ id, parentId }, handler) as unknown as Chunk;
}

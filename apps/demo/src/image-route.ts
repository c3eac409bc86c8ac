import { HybridRagError, type ImageMediaType } from "@hybrid-rag/core";
import type { FastifyInstance } from "fastify";
import { type DemoImages, imageExtensions } from "./page-thumbnails.ts";
import type { SearchQueue } from "./search-queue.ts";

const mediaTypeOf = new Map(
  Object.entries(imageExtensions).map(([type, extension]) => [extension, type as ImageMediaType]),
);

/** `<64 hex digits>.<extension>`: nothing else names an image, so no path reaches the disk. */
const imageName = /^([0-9a-f]{64})\.([a-z]+)$/;

/**
 * `GET /api/images/<sha256>.<extension>`: the bytes of an image the collection stores (a PDF
 * page, a figure), with its content type and cached for good (the name is its content hash).
 * Anything else is a 404: a malformed name, an extension that is not an image type, a hash
 * the collection does not store. Reads wait in `reads` (bounded; full: 503).
 */
export function addImageRoute(
  app: FastifyInstance,
  images: DemoImages | undefined,
  reads: SearchQueue,
  clientGone: (request: object) => AbortSignal,
): void {
  app.get<{ Params: { name: string } }>("/api/images/:name", async (request, reply) => {
    const match = imageName.exec(request.params.name);
    const mediaType = match ? mediaTypeOf.get(match[2]!) : undefined;
    const ref = match?.[1];
    if (
      ref === undefined ||
      mediaType === undefined ||
      images === undefined ||
      images.storedType(ref) !== mediaType
    ) {
      throw new HybridRagError(
        "not-found",
        `No image ${JSON.stringify(request.params.name)}: images are named <sha-256>.<png|jpg|webp|gif|bmp|tiff> as the search results link them${images === undefined ? " (this collection stores no images)" : ""}.`,
      );
    }
    const etag = `"${ref}"`;
    reply.header("cache-control", "public, max-age=31536000, immutable").header("etag", etag);
    if (request.headers["if-none-match"] === etag) return reply.code(304).send();
    const signal = clientGone(request);
    const image = await reads.run(signal, () =>
      images.resolver.resolveImage({ mediaType, ref }, signal),
    );
    return reply
      .type(image.mediaType)
      .header("x-content-type-options", "nosniff")
      .send(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength));
  });
}

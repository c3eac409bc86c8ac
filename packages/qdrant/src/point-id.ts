import { createHash } from "node:crypto";

/** Our namespace for name-based UUIDs, fixed forever: changing it re-keys every collection. */
export const pointIdNamespace = "6f1d7b2c-8a4e-4c59-b1f3-a2d94e0c7a15";

/**
 * Qdrant point ids must be unsigned integers or UUIDs, so string document ids map to a
 * version-5 (SHA-1, name-based, RFC 9562 §5.5) UUID: the same id always gives the same point,
 * on any machine. The original id is kept in the payload.
 */
export function pointIdFor(documentId: string): string {
  return nameBasedUuid(pointIdNamespace, documentId);
}

export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

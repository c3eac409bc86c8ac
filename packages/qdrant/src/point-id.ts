import { createHash } from "node:crypto";

/** Our namespace for name-based UUIDs (RFC 9562 §5.5), fixed forever: changing it re-keys every collection. */
const namespace = Buffer.from("6f1d7b2c8a4e4c59b1f3a2d94e0c7a15", "hex");

/**
 * Qdrant point ids must be unsigned integers or UUIDs, so string document ids map to a
 * version-5 (SHA-1, name-based) UUID: the same id always gives the same point, on any machine.
 * The original id is kept in the payload.
 */
export function pointIdFor(documentId: string): string {
  const hash = createHash("sha1").update(namespace).update(documentId, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

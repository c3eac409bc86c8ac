import type { ImageMediaType } from "../document.ts";
import { HybridRagError } from "../errors.ts";

/** The image formats a document may carry, in the order NIM's VLM reranker documents them. */
export const imageMediaTypes: readonly ImageMediaType[] = [
  "image/png",
  "image/jpeg",
  "image/webp",
  "image/gif",
  "image/bmp",
  "image/tiff",
];

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((byte, index) => bytes[at + index] === byte);

const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

/**
 * The format of image bytes, read from their magic numbers (PNG, JPEG, WebP, GIF, BMP, TIFF),
 * or undefined when the bytes are none of them. Never trusts a name or a declared type.
 */
export function sniffImageMediaType(bytes: Uint8Array): ImageMediaType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  if (startsWith(bytes, ascii("BM")) && bytes.length >= 26) return "image/bmp";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return "image/tiff";
  }
  return undefined;
}

/**
 * Checks that `bytes` are an image of a recognised format and, when a media type is declared,
 * of that one: returns the format found, or throws `invalid-argument` naming what was declared,
 * what the bytes are, and what to do. `what` names the image in the message ("passage 3's image").
 */
export function checkImageBytes(
  bytes: Uint8Array,
  declared: string | undefined,
  what: string,
): ImageMediaType {
  const found = sniffImageMediaType(bytes);
  if (found === undefined) {
    const head = Array.from(bytes.subarray(0, 8), (byte) => byte.toString(16).padStart(2, "0"));
    throw new HybridRagError(
      "invalid-argument",
      `${what} is not an image of a recognised format (first bytes ${head.join(" ") || "none"}): send PNG, JPEG, WebP, GIF, BMP or TIFF bytes.`,
      { details: { declared } },
    );
  }
  if (declared !== undefined && declared !== found) {
    throw new HybridRagError(
      "invalid-argument",
      `${what} is declared as ${declared} but its bytes are ${found}: declare the type the bytes have (${found}).`,
      { details: { declared, found } },
    );
  }
  return found;
}

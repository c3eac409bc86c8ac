import type { ImageMediaType, InlineImage } from "../document.ts";
import { HybridRagError } from "../errors.ts";
import { checkImageBytes, imageMediaTypes } from "./image-media-type.ts";

/** Why a data URL was refused, in `details.reason` of the error (servers map it to a status). */
export type ImageDataUrlProblem =
  | "not-a-data-url"
  | "asset-id"
  | "not-base64"
  | "unsupported-media-type"
  | "invalid-base64"
  | "too-large"
  | "not-an-image"
  | "media-type-mismatch";

export interface ParseImageDataUrlOptions {
  /** Decoded bytes at most: checked on the base64 length, before anything is decoded. */
  readonly maxBytes: number;
  /** Names the image in messages ("passage 3's image"). */
  readonly what: string;
}

/** Bytes that `length` characters of padded base64 decode to at most (3 per 4 characters). */
export function base64DecodedBytes(length: number): number {
  return Math.floor(length / 4) * 3;
}

/** The longest base64 text (padded) whose bytes fit in `maxBytes`. */
export function maxBase64Length(maxBytes: number): number {
  return Math.floor(maxBytes / 3) * 4 + (maxBytes % 3 === 0 ? 0 : 4);
}

const base64Alphabet = /^[A-Za-z0-9+/]*={0,2}$/;
/** `image/jpg` is what many clients write for JPEG. */
const mediaTypeAliases: Readonly<Record<string, ImageMediaType>> = { "image/jpg": "image/jpeg" };

/**
 * Parses `data:image/<type>;base64,<data>` into an `InlineImage`. The size bound is checked on
 * the base64 length before decoding; the declared type must be one of the recognised formats
 * and match the bytes' magic numbers. Asset ids (`data:image/png;asset_id,…`), URLs and other
 * encodings are refused. Errors are `invalid-argument` with `details.reason` an
 * `ImageDataUrlProblem` and a message that says what to send instead.
 */
export function parseImageDataUrl(url: string, options: ParseImageDataUrlOptions): InlineImage {
  const { what, maxBytes } = options;
  const fail = (reason: ImageDataUrlProblem, message: string, details = {}) =>
    new HybridRagError("invalid-argument", `${what} ${message}`, {
      details: { reason, ...details },
    });
  const comma = url.indexOf(",");
  // The header is short; bounding where the comma is looked for keeps messages small too.
  if (!url.startsWith("data:") || comma === -1 || comma > 256) {
    throw fail(
      "not-a-data-url",
      `must be a base64 data URL such as data:image/png;base64,<data> (got ${describeHead(url)}).`,
    );
  }
  const [declaredType = "", ...parameters] = url.slice(5, comma).split(";");
  const lowerParameters = parameters.map((parameter) => parameter.trim().toLowerCase());
  if (lowerParameters.some((parameter) => parameter === "asset_id")) {
    throw fail(
      "asset-id",
      "is an asset id reference; asset ids are not supported: send the image inline as data:image/png;base64,<data>.",
    );
  }
  if (lowerParameters.at(-1) !== "base64") {
    throw fail(
      "not-base64",
      `is not base64-encoded (${describeHead(url.slice(0, comma + 1))}): only base64 data URLs are accepted, e.g. data:image/png;base64,<data>.`,
    );
  }
  const lowerType = declaredType.trim().toLowerCase();
  const mediaType =
    mediaTypeAliases[lowerType] ?? imageMediaTypes.find((type) => type === lowerType);
  if (mediaType === undefined) {
    throw fail(
      "unsupported-media-type",
      `has the media type "${describeHead(declaredType)}", which is not a recognised image format: use one of ${imageMediaTypes.join(", ")}.`,
      { declared: declaredType },
    );
  }
  const base64Length = url.length - comma - 1;
  if (base64DecodedBytes(base64Length) - 2 > maxBytes) {
    throw fail(
      "too-large",
      `is about ${base64DecodedBytes(base64Length)} bytes (${base64Length} base64 characters), over the limit of ${maxBytes} bytes per image: send a smaller image.`,
      { bytes: base64DecodedBytes(base64Length), maxBytes },
    );
  }
  const data = url.slice(comma + 1);
  if (data.length === 0 || data.length % 4 !== 0 || !base64Alphabet.test(data)) {
    throw fail(
      "invalid-base64",
      `has invalid base64 data (${data.length} characters; base64 uses A-Z a-z 0-9 + / and = padding, in groups of 4): encode the image bytes with standard base64.`,
    );
  }
  const bytes = new Uint8Array(Buffer.from(data, "base64"));
  if (bytes.length > maxBytes) {
    throw fail(
      "too-large",
      `is ${bytes.length} bytes, over the limit of ${maxBytes} bytes per image: send a smaller image.`,
      { bytes: bytes.length, maxBytes },
    );
  }
  try {
    checkImageBytes(bytes, mediaType, what);
  } catch (error) {
    const failure = error as HybridRagError;
    const reason = failure.details?.found === undefined ? "not-an-image" : "media-type-mismatch";
    throw new HybridRagError("invalid-argument", failure.message, {
      details: { ...failure.details, reason },
    });
  }
  return { mediaType, data: bytes };
}

/** `data:<mediaType>;base64,<data>` for an image held in memory (what NIM's VLM API takes). */
export function formatImageDataUrl(image: Pick<InlineImage, "mediaType" | "data">): string {
  const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return `data:${image.mediaType};base64,${data.toString("base64")}`;
}

/** The start of a long string, for messages: never the whole of a multi-megabyte value. */
function describeHead(text: string): string {
  return text.length > 40 ? `"${text.slice(0, 40)}…" (${text.length} characters)` : `"${text}"`;
}

import {
  HybridRagError,
  type InlineImage,
  parseImageDataUrl,
  readImageDimensions,
} from "@hybrid-rag/core";
import { clientError } from "./http-errors.ts";
import type { RankingRequest } from "./ranking-api.ts";

/** A passage as the scorer gets it: text ("" when image-only) and the decoded, checked image. */
export interface RankingPassage {
  readonly text: string;
  readonly image?: InlineImage;
}

export interface PassageImageLimits {
  readonly maxImageBytes: number;
  readonly maxRequestImageBytes: number;
  readonly maxImagePixels: number;
}

/** The status of each way an image value can be wrong: NIM answers bad image data with 400. */
const statusByProblem: Readonly<Record<string, number>> = { "too-large": 413 };

/**
 * Applies the rules of NIM's VLM contract that a schema cannot state, passage by passage:
 * at least one of `text` or `image` (422); an image-only passage omits `text` rather than
 * sending "" (422); a text-only model takes no images (422, naming it); each image is a base64
 * data URL of a recognised format whose bytes match it (400: asset ids, other encodings,
 * unknown or mismatched formats), within the byte and pixel limits (413).
 */
export function rankingPassages(
  passages: RankingRequest["passages"],
  options: { readonly acceptsImages: boolean; readonly modelId: string } & PassageImageLimits,
): RankingPassage[] {
  let imageBytes = 0;
  return passages.map((passage, index) => {
    const { text, image } = passage;
    if (text === undefined && image === undefined) {
      throw clientError(
        422,
        `Each passage must include at least one of text or image: passage ${index} has neither.`,
      );
    }
    if (image === undefined) return { text: text! };
    if (text === "") {
      throw clientError(
        422,
        `For image-only passages, omit text; do not set text to an empty string (passage ${index} has "text": "" and an image).`,
      );
    }
    if (!options.acceptsImages) {
      throw clientError(
        422,
        `The model ${options.modelId} is text-only; serve a VLM reranker (a model that accepts images) to rank image passages, or send passages with text only (passage ${index} has an image).`,
      );
    }
    const decoded = decodeImage(image, index, options);
    imageBytes += decoded.data.length;
    if (imageBytes > options.maxRequestImageBytes) {
      throw clientError(
        413,
        `The request's images are larger than ${options.maxRequestImageBytes} bytes together (RERANKER_MAX_REQUEST_IMAGE_BYTES), passed at passage ${index}: send fewer or smaller images per request.`,
      );
    }
    return { text: text ?? "", image: decoded };
  });
}

function decodeImage(url: string, index: number, limits: PassageImageLimits): InlineImage {
  const what = `passage ${index}'s image`;
  let image: InlineImage;
  try {
    image = parseImageDataUrl(url, { maxBytes: limits.maxImageBytes, what });
  } catch (error) {
    if (!HybridRagError.isInstance(error)) throw error;
    const reason = String(error.details?.reason);
    const rule =
      reason === "too-large"
        ? "RERANKER_MAX_IMAGE_BYTES"
        : "Images must be base64 data URLs (data:image/png;base64,…) of PNG, JPEG, WebP, GIF, BMP or TIFF bytes; asset ID references and non-base64 encodings are rejected";
    throw clientError(statusByProblem[reason] ?? 400, `${error.message} (${rule})`);
  }
  const size = readImageDimensions(image.data, image.mediaType);
  if (size === undefined) {
    throw clientError(
      400,
      `${what} has a cut or malformed ${image.mediaType} header: its pixel size cannot be read. Send the whole image file.`,
    );
  }
  const pixels = size.width * size.height;
  if (pixels > limits.maxImagePixels) {
    throw clientError(
      413,
      `${what} is ${size.width}×${size.height} = ${pixels} pixels, over the limit of ${limits.maxImagePixels} (RERANKER_MAX_IMAGE_PIXELS): downscale it.`,
    );
  }
  return { ...image, ...size };
}

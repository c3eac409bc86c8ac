import type { preParsingAsyncHookHandler } from "fastify";
import { clientError } from "./http-errors.ts";
import { type ImageBudget, imageBudgetStream } from "./image-budget-scanner.ts";
import type { RouteContext } from "./route-context.ts";

/**
 * The `preParsing` hook of `/v1/ranking`: the body goes through `imageBudgetStream` on its way
 * to the JSON reader, so a text-only model's first image, an image over RERANKER_MAX_IMAGE_BYTES
 * or a request over RERANKER_MAX_REQUEST_IMAGE_BYTES is refused while it arrives, before the
 * body is buffered whole or parsed. While the model loads, images are budgeted as for a VLM
 * (the request then gets its 503).
 */
export function imageBudgetHook(context: RouteContext): preParsingAsyncHookHandler {
  const { settings } = context;
  return async (request, _reply, payload) => {
    const service = context.getService();
    const acceptsImages = service === undefined || service.acceptsImages;
    const budget: ImageBudget = {
      maxBodyBytes: settings.maxBodyBytes,
      modelId: settings.modelId,
      ...(acceptsImages
        ? {
            images: {
              maxImageBytes: settings.maxImageBytes,
              maxRequestImageBytes: settings.maxRequestImageBytes,
            },
          }
        : {}),
    };
    // A text-only model takes no images: its limit is the body limit, known from the header.
    const declared = Number(request.headers["content-length"]);
    if (!acceptsImages && declared > settings.maxBodyBytes) {
      throw clientError(
        413,
        `Request body is too large: ${declared} bytes, over ${settings.maxBodyBytes}; send fewer or shorter passages, or raise RERANKER_MAX_BODY_BYTES.`,
      );
    }
    return payload.pipe(imageBudgetStream(budget));
  };
}

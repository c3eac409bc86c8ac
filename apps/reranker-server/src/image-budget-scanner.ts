import { Transform, type TransformCallback } from "node:stream";
import { type HybridRagError, maxBase64Length } from "@hybrid-rag/core";
import { clientError } from "./http-errors.ts";

/** What a ranking body may hold, checked while it arrives. */
export interface ImageBudget {
  /** Bytes of the body outside its images at most (RERANKER_MAX_BODY_BYTES). */
  readonly maxBodyBytes: number;
  /** The image budgets; absent when the served model is text-only. */
  readonly images?: {
    readonly maxImageBytes: number;
    readonly maxRequestImageBytes: number;
  };
  /** The served model, named when a text-only one is sent an image. */
  readonly modelId: string;
}

/** Room for a data URL's header (`data:image/jpeg;base64,`) beside its base64 data. */
const dataUrlHeaderBytes = 64;
const quote = 0x22;
const backslash = 0x5c;
const colon = 0x3a;
/** Keys are compared on their first bytes only: the one looked for is "image". */
const maxKeyBytes = 16;

/**
 * Scans a JSON body chunk by chunk, before it is buffered whole or parsed, and finds the values
 * of `"image"` keys: a text-only model's first image, an image over `maxImageBytes` (from its
 * base64 length) or images over `maxRequestImageBytes` together are refused as soon as they
 * arrive, and the rest of the body is never read. Bytes outside images count against
 * `maxBodyBytes`. The scan is linear: inside strings it jumps from quote to backslash with
 * `indexOf`.
 */
export class ImageBudgetScanner {
  readonly #budget: ImageBudget;
  #inString = false;
  #escaped = false;
  #stringIsImage = false;
  #stringLength = 0;
  #head: number[] = [];
  /** The last string, when short: the key a following colon belongs to. */
  #lastString: string | undefined;
  /** The key whose colon was the last token: the next string is its value. */
  #valueOf: string | undefined;
  #images = 0;
  #imageBytes = 0;
  #totalBytes = 0;

  constructor(budget: ImageBudget) {
    this.#budget = budget;
  }

  /** Scans the next chunk; returns the error to answer with once a budget is passed. */
  push(chunk: Uint8Array): HybridRagError | undefined {
    this.#totalBytes += chunk.length;
    let position = 0;
    let nextQuote = -1;
    let nextBackslash = -1;
    while (position < chunk.length) {
      if (this.#inString) {
        if (this.#escaped) {
          this.#escaped = false;
          this.#addToString(chunk, position, position + 1);
          position++;
          continue;
        }
        if (nextQuote < position) nextQuote = indexOrEnd(chunk, quote, position);
        if (nextBackslash < position) nextBackslash = indexOrEnd(chunk, backslash, position);
        const stop = Math.min(nextQuote, nextBackslash);
        this.#addToString(chunk, position, stop);
        const failure = this.#checkImage();
        if (failure) return failure;
        if (stop === chunk.length) break;
        if (stop === nextBackslash) {
          this.#escaped = true;
          this.#addToString(chunk, stop, stop + 1);
        } else {
          this.#endString();
        }
        position = stop + 1;
        continue;
      }
      const byte = chunk[position]!;
      position++;
      if (byte === quote) {
        const failure = this.#startString();
        if (failure) return failure;
      } else if (byte === colon) {
        this.#valueOf = this.#lastString;
      } else if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
        this.#valueOf = undefined;
      }
    }
    const outsideImages =
      this.#totalBytes - this.#imageBytes - (this.#stringIsImage ? this.#stringLength : 0);
    if (outsideImages > this.#budget.maxBodyBytes) {
      return clientError(
        413,
        `Request body is too large: more than ${this.#budget.maxBodyBytes} bytes besides its images; send fewer or shorter passages, or raise RERANKER_MAX_BODY_BYTES.`,
      );
    }
    return undefined;
  }

  #startString(): HybridRagError | undefined {
    this.#inString = true;
    this.#stringIsImage = this.#valueOf === "image";
    this.#valueOf = undefined;
    this.#stringLength = 0;
    this.#head = [];
    if (this.#stringIsImage && this.#budget.images === undefined) {
      return clientError(
        422,
        `The model ${this.#budget.modelId} is text-only; serve a VLM reranker (a model that accepts images) to rank image passages, or send passages with text only.`,
      );
    }
    return undefined;
  }

  #addToString(chunk: Uint8Array, start: number, end: number): void {
    if (this.#head.length < maxKeyBytes + 1) {
      for (let index = start; index < end && this.#head.length <= maxKeyBytes; index++) {
        this.#head.push(chunk[index]!);
      }
    }
    this.#stringLength += end - start;
  }

  #endString(): void {
    this.#inString = false;
    this.#lastString =
      this.#head.length <= maxKeyBytes ? String.fromCharCode(...this.#head) : undefined;
    if (this.#stringIsImage) {
      this.#images++;
      this.#imageBytes += this.#stringLength;
    }
    this.#stringIsImage = false;
  }

  #checkImage(): HybridRagError | undefined {
    const images = this.#budget.images;
    if (!this.#stringIsImage || images === undefined) return undefined;
    if (this.#stringLength > maxBase64Length(images.maxImageBytes) + dataUrlHeaderBytes) {
      return clientError(
        413,
        `Image ${this.#images + 1} of the request (in body order) is larger than ${images.maxImageBytes} bytes (RERANKER_MAX_IMAGE_BYTES), read from its base64 length: send a smaller image (downscale the page), or raise RERANKER_MAX_IMAGE_BYTES.`,
      );
    }
    const requestImages = this.#imageBytes + this.#stringLength;
    const allowed =
      maxBase64Length(images.maxRequestImageBytes) + dataUrlHeaderBytes * (this.#images + 1);
    if (requestImages > allowed) {
      return clientError(
        413,
        `The request's images are larger than ${images.maxRequestImageBytes} bytes together (RERANKER_MAX_REQUEST_IMAGE_BYTES), passed at image ${this.#images + 1}: send fewer or smaller images per request, or raise RERANKER_MAX_REQUEST_IMAGE_BYTES.`,
      );
    }
    return undefined;
  }
}

function indexOrEnd(chunk: Uint8Array, byte: number, from: number): number {
  const index = chunk.indexOf(byte, from);
  return index === -1 ? chunk.length : index;
}

/** The scanner as a stream between the socket and Fastify's body reader (a `preParsing` hook). */
export function imageBudgetStream(budget: ImageBudget): Transform {
  const scanner = new ImageBudgetScanner(budget);
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const failure = scanner.push(chunk);
      if (failure) callback(failure);
      else callback(null, chunk);
    },
  });
}

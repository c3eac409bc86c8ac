import { HybridRagError, type InlineImage } from "@hybrid-rag/core";
import { createIsomorphicCanvasFactory, type getDocumentProxy } from "unpdf";
import type { PageImagesMode, PdfOptions } from "./format-options.ts";
import { minTextLayerCharacters } from "./text-layer.ts";

/** `PdfOptions` with every default filled in (plain data: it travels to the extraction thread). */
export type ResolvedPdfOptions = Required<PdfOptions>;

export const defaultPdfOptions: ResolvedPdfOptions = {
  pageImages: "none",
  dpi: 100,
  maxImagePixels: 2048 * 2048,
  maxImageBytes: 8 * 1024 * 1024,
};

const modes: readonly PageImagesMode[] = ["none", "no-text-layer", "all"];

/** Checks the PDF options (a bad value is an `invalid-argument` naming it) and fills in the defaults. */
export function resolvePdfOptions(options: PdfOptions = {}): ResolvedPdfOptions {
  const resolved = { ...defaultPdfOptions, ...options };
  if (!modes.includes(resolved.pageImages)) {
    throw new HybridRagError(
      "invalid-argument",
      `pdf.pageImages must be one of ${modes.map((mode) => `"${mode}"`).join(", ")}, got ${JSON.stringify(resolved.pageImages)}.`,
      { details: { option: "pdf.pageImages", value: String(resolved.pageImages) } },
    );
  }
  const limits = { dpi: 1200, maxImagePixels: 2 ** 28, maxImageBytes: 2 ** 30 } as const;
  for (const name of ["dpi", "maxImagePixels", "maxImageBytes"] as const) {
    const value = resolved[name];
    if (!Number.isSafeInteger(value) || value < 1 || value > limits[name]) {
      throw new HybridRagError(
        "invalid-argument",
        `pdf.${name} must be a whole number from 1 to ${limits[name]}, got ${String(value)}; leave it out for the default (${defaultPdfOptions[name]}).`,
        { details: { option: `pdf.${name}`, value: String(value) } },
      );
    }
  }
  return resolved;
}

/** Whether a page with this text gets an image under `mode`. */
export function wantsPageImage(mode: PageImagesMode, pageText: string): boolean {
  if (mode === "all") return true;
  if (mode === "none") return false;
  return pageText.replace(/\s+/g, "").length < minTextLayerCharacters;
}

/** A rendered page: its 1-based number and its PNG. */
export interface RenderedPage {
  readonly page: number;
  readonly image: InlineImage & { readonly width: number; readonly height: number };
}

/** A pdf.js page. */
type RenderablePage = Awaited<ReturnType<Awaited<ReturnType<typeof getDocumentProxy>>["getPage"]>>;

type CanvasFactoryClass = Awaited<ReturnType<typeof createIsomorphicCanvasFactory>>;

/** The canvas factory pdf.js draws with (`@napi-rs/canvas`, Skia), loaded on first use only. */
export function pdfCanvasFactory(): Promise<CanvasFactoryClass> {
  return createIsomorphicCanvasFactory(() => import("@napi-rs/canvas"));
}

/**
 * Renders one page to PNG at `dpi`, lowered to fit `maxImagePixels` (said in `warnings`); an
 * image over `maxImageBytes` once encoded is left out (said in `warnings`).
 */
export async function renderPdfPage(
  page: RenderablePage,
  pageNumber: number,
  options: ResolvedPdfOptions,
  CanvasFactory: CanvasFactoryClass,
  warnings: string[],
): Promise<RenderedPage | undefined> {
  const points = page.getViewport({ scale: 1 });
  let scale = options.dpi / 72;
  const pixels = points.width * scale * (points.height * scale);
  if (pixels > options.maxImagePixels) {
    scale *= Math.sqrt(options.maxImagePixels / pixels);
    warnings.push(
      `page ${pageNumber}'s image was rendered at ${Math.floor(scale * 72)} dpi, not ${options.dpi}, to stay within maxImagePixels (${options.maxImagePixels})`,
    );
  }
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.floor(viewport.width));
  const height = Math.max(1, Math.floor(viewport.height));
  const factory = new CanvasFactory();
  const drawing = factory.create(width, height);
  try {
    await page.render({
      canvas: drawing.canvas as unknown as HTMLCanvasElement,
      canvasContext: drawing.context as unknown as CanvasRenderingContext2D,
      viewport,
    }).promise;
    const encoded = await (
      drawing.canvas as unknown as { encode(format: "png"): Promise<Uint8Array> }
    ).encode("png");
    if (encoded.byteLength > options.maxImageBytes) {
      warnings.push(
        `page ${pageNumber}'s image is ${encoded.byteLength} bytes as PNG, over maxImageBytes (${options.maxImageBytes}); it was left out (lower pdf.dpi or raise pdf.maxImageBytes)`,
      );
      return undefined;
    }
    const data = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    return { page: pageNumber, image: { mediaType: "image/png", data, width, height } };
  } finally {
    factory.destroy(drawing);
  }
}

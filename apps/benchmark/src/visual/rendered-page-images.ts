import { isAbsolute, join, relative, resolve } from "node:path";
import { type Document, HybridRagError } from "@hybrid-rag/core";
import { loadFile } from "@hybrid-rag/loaders";

/** Rendering resolution of the benchmark's page images (the loaders' default). */
const pageImageDpi = 100;

/**
 * The page images of a BEIR set's documents, for pipelines that rerank page images: each
 * corpus document whose `metadata.pdf` names a PDF inside the dataset folder gets that PDF's
 * pages rendered by the loaders (`pageImages: "all"`) as image-only documents
 * (`<id>#page=N`, `metadata.parent` = the document's id). Looked up by the candidate's id:
 * `pageImagesOf` is the pipeline's `PageImageSource`.
 */
export class RenderedPageImages {
  readonly #byParent = new Map<string, Document[]>();

  /** Page images rendered in all. */
  get count(): number {
    let count = 0;
    for (const images of this.#byParent.values()) count += images.length;
    return count;
  }

  pageImagesOf(document: Document): readonly Document[] {
    return this.#byParent.get(document.id) ?? [];
  }

  /**
   * Renders the PDFs the documents name; a named PDF that is missing, outside the folder or
   * not readable is an `invalid-argument` naming it (the set is broken, not the pipeline).
   */
  static async render(
    datasetDirectory: string,
    documents: AsyncIterable<Document>,
  ): Promise<RenderedPageImages> {
    const rendered = new RenderedPageImages();
    for await (const document of documents) {
      const pdf = document.metadata?.pdf;
      if (typeof pdf !== "string") continue;
      const path = resolve(datasetDirectory, pdf);
      const inside = relative(datasetDirectory, path);
      if (inside.startsWith("..") || isAbsolute(inside)) {
        throw new HybridRagError(
          "invalid-argument",
          `${document.id}'s metadata.pdf ${JSON.stringify(pdf)} is outside the dataset folder ${datasetDirectory}: name a PDF inside it.`,
        );
      }
      const images: Document[] = [];
      for await (const result of loadFile(join(datasetDirectory, inside), document.id, {
        pdf: { pageImages: "all", dpi: pageImageDpi },
      })) {
        if (result.kind === "skipped") {
          throw new HybridRagError(
            "invalid-argument",
            `${document.id}'s metadata.pdf ${pdf} could not be rendered: ${result.reason}`,
          );
        }
        if (result.image !== undefined && result.text === "") {
          const { id, text, image, metadata } = result;
          images.push({ id, text, image, ...(metadata ? { metadata } : {}) });
        }
      }
      rendered.#byParent.set(document.id, images);
    }
    return rendered;
  }
}

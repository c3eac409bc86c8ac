import type {
  Document,
  Hit,
  ImageMediaType,
  ImageResolver,
  StoredImageReference,
} from "@hybrid-rag/core";

/**
 * The collection's images as the demo shows them: only images the collection stores are
 * served, and a text hit finds the stored images of the PDF pages it spans.
 */
export interface DemoImages {
  readonly resolver: ImageResolver;
  /** The type of the stored image with this SHA-256; undefined when the collection has none (only stored images are served). */
  storedType(ref: string): ImageMediaType | undefined;
  /**
   * The stored page images (image-only documents) of the PDF pages a text chunk spans, and of
   * the pages beside it (a chart-only page has no text of its own), as the collection links them.
   */
  pageImagesOf(document: Document): readonly Document[];
}

/** A page image shown beside a hit, served by `GET /api/images/<sha256>.<extension>`. */
export interface PageThumbnail {
  readonly url: string;
  /** The physical (1-based) page of the PDF, when the image is a PDF page. */
  readonly page?: number;
  readonly width?: number;
  readonly height?: number;
  /**
   * "hit": the hit's own image; "on": the page a text hit's text is on; "beside": a page next
   * to the text (a chart-only page the text points to).
   */
  readonly relation: "hit" | "on" | "beside";
}

export const imageExtensions: Readonly<Record<ImageMediaType, string>> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/bmp": "bmp",
  "image/tiff": "tiff",
};

/** Where the demo serves a stored image: its hash and an extension that says its type. */
export function imageUrl(image: StoredImageReference): string {
  return `/api/images/${image.ref}.${imageExtensions[image.mediaType]}`;
}

/** At most this many page thumbnails per hit (a chunk spanning many pages shows its first ones). */
const maxThumbnailsPerHit = 4;

/**
 * The thumbnails of a hit: an image hit (a page image, a figure) shows its own image; a text
 * hit shows the stored images of the PDF pages it comes from. Inline images (bytes, not
 * stored) are not shown: the page never carries image bytes.
 */
export function thumbnailsOf(hit: Hit, images: DemoImages | undefined): PageThumbnail[] {
  const document = hit.document;
  if (document === undefined || images === undefined) return [];
  const own = storedThumbnail(document, images, () => "hit");
  if (document.text === "") return own ? [own] : [];
  const { pageStart, pageEnd } = document.metadata ?? {};
  const first = typeof pageStart === "number" ? pageStart : undefined;
  const last = typeof pageEnd === "number" ? pageEnd : first;
  const relation = (page: number | undefined) =>
    page !== undefined && first !== undefined && last !== undefined && page >= first && page <= last
      ? "on"
      : "beside";
  const pages = images
    .pageImagesOf(document)
    .map((page) => storedThumbnail(page, images, relation))
    .filter((thumbnail) => thumbnail !== undefined);
  return [...(own ? [own] : []), ...pages].slice(0, maxThumbnailsPerHit);
}

function storedThumbnail(
  document: Document,
  images: DemoImages,
  relation: (page: number | undefined) => PageThumbnail["relation"],
): PageThumbnail | undefined {
  const image = document.image;
  if (image === undefined || !("ref" in image) || images.storedType(image.ref) === undefined)
    return undefined;
  const metadata = document.metadata ?? {};
  const page =
    typeof metadata.page === "number"
      ? metadata.page
      : typeof metadata.pageStart === "number"
        ? metadata.pageStart
        : undefined;
  return {
    url: imageUrl(image),
    relation: relation(page),
    ...(page !== undefined ? { page } : {}),
    ...(image.width !== undefined ? { width: image.width } : {}),
    ...(image.height !== undefined ? { height: image.height } : {}),
  };
}

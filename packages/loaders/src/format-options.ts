import type { EmbeddedImageOptions } from "./embedded-image-options.ts";

/** How a CSV / TSV file becomes documents. */
export interface CsvOptions {
  /**
   * "row" (default): one document per data row, so each row is retrieved (and cited) on its
   * own; "table": one document per file, one block per row.
   */
  readonly passage?: "row" | "table";
  /** The field separator; default: a tab for `.tsv`, else the one of `,` `;` `\t` `|` most frequent in the header line. */
  readonly delimiter?: string;
  /** A column whose value is each row's document id (rows only; default: `<file id>#<row number>`). */
  readonly idColumn?: string;
  /** A column whose value is each row's title (rows only; default: the file name). */
  readonly titleColumn?: string;
}

/** How the records of a `.json` file (an array of objects, or an object of records) become documents. */
export interface JsonRecordOptions {
  /** The field holding a record's text (default "text"). */
  readonly textField?: string;
  /** The field holding a record's title (default "title"). */
  readonly titleField?: string;
  /** The field holding a record's id (default "_id", else "id"; without one: the key, or `<file id>#<index>`). */
  readonly idField?: string;
}

/** Per-format settings, plain data (they travel to the extraction thread). */
export interface FormatOptions {
  readonly csv?: CsvOptions;
  readonly json?: JsonRecordOptions;
  readonly pdf?: PdfOptions;
  /** HTML / Markdown images that live in the loaded folder (see `EmbeddedImageOptions`). */
  readonly images?: EmbeddedImageOptions;
}

/** Which PDF pages are rendered to images (page image documents, for rerankers that look at pictures). */
export type PageImagesMode = "none" | "no-text-layer" | "all";

/**
 * PDF page images. Rendering costs time and bytes (see the README's measurements), so it is
 * opt-in: "no-text-layer" renders only pages with fewer than 16 non-blank characters of text (a
 * chart, a figure or a scan the text misses), "all" every page.
 */
export interface PdfOptions {
  /** Default "none". */
  readonly pageImages?: PageImagesMode;
  /** Rendering resolution in dots per inch (default 100: a US Letter page is 850 × 1100 pixels). */
  readonly dpi?: number;
  /** Pixels one page image may have; a larger page is rendered at a lower resolution to fit (default 4,194,304 = 2048²). */
  readonly maxImagePixels?: number;
  /** Bytes one encoded page image may have; a larger one is left out with a warning (default 8 MiB). */
  readonly maxImageBytes?: number;
}

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
}

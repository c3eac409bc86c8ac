/** One embedding task: a slice of the caller's texts, embedded by one worker. */
export interface EmbedTask {
  readonly side: "queries" | "passages";
  readonly texts: readonly string[];
}

/** What an embedder worker reports once its model is loaded. */
export interface EmbedderFacts {
  readonly name: string;
  readonly dimension: number;
  /** Whatever else the model reports (backend, files, provider), as plain data. */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * Turns text into index terms. The same analyzer runs on documents and on queries, so a query
 * matches what was indexed. `name` is saved with a persisted index and checked on load.
 */
export interface Analyzer {
  readonly name: string;
  analyze(text: string): string[];
}

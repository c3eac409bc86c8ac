/** One document's bulk action: its NDJSON lines and their size. */
export interface BulkAction {
  readonly id: string;
  /** Position of the document in the caller's input. */
  readonly index: number;
  readonly lines: readonly object[];
  readonly bytes: number;
}

export function bulkAction(id: string, index: number, lines: readonly object[]): BulkAction {
  const bytes = lines.reduce(
    (sum: number, line) => sum + Buffer.byteLength(JSON.stringify(line)) + 1,
    0,
  );
  return { id, index, lines, bytes };
}

/**
 * Splits actions into requests of at most `maxDocuments` actions and `maxBytes` bytes of
 * NDJSON; an action larger than `maxBytes` goes alone (Elasticsearch decides whether it fits).
 */
export function bulkBatches(
  actions: readonly BulkAction[],
  maxDocuments: number,
  maxBytes: number,
): BulkAction[][] {
  const batches: BulkAction[][] = [];
  let current: BulkAction[] = [];
  let bytes = 0;
  for (const action of actions) {
    if (current.length > 0 && (current.length >= maxDocuments || bytes + action.bytes > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(action);
    bytes += action.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

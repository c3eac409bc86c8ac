import type { LoadResult } from "./loaded-document.ts";

const lineSpan = 2 ** 32;

/**
 * The duplicate rule, the same for every load: the first document with an id is kept; each later
 * one is yielded as skipped (`duplicate-id`), naming where the kept one came from. First wins
 * because a stream cannot take back what it already handed on, and a collection ingest keeps
 * the first too.
 */
export async function* keepFirstOfEachId(
  results: AsyncIterable<LoadResult>,
): AsyncGenerator<LoadResult> {
  // Where each id came from, packed as source index × 2^32 + line: a corpus of millions of
  // records keeps one number per id, not one "file:line" string.
  const firstFrom = new Map<string, number>();
  const sources: string[] = [];
  const sourceIndex = new Map<string, number>();
  const describe = (packed: number) => {
    const source = sources[Math.floor(packed / lineSpan)];
    const line = packed % lineSpan;
    return line === 0 ? `${source}` : `${source}:${line}`;
  };
  for await (const result of results) {
    if (result.kind === "skipped") {
      yield result;
      continue;
    }
    const first = firstFrom.get(result.id);
    if (first !== undefined) {
      const where = result.line === undefined ? result.source : `${result.source}:${result.line}`;
      yield {
        kind: "skipped",
        source: where,
        code: "duplicate-id",
        reason: `the id ${JSON.stringify(result.id)} was already loaded from ${describe(first)}; the first document with an id is kept`,
      };
      continue;
    }
    let index = sourceIndex.get(result.source);
    if (index === undefined) {
      index = sources.push(result.source) - 1;
      sourceIndex.set(result.source, index);
    }
    firstFrom.set(result.id, index * lineSpan + (result.line ?? 0));
    yield result;
  }
}

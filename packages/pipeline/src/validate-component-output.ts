import { type Hit, HybridRagError } from "@hybrid-rag/core";

/**
 * Checks what a retriever returned before anything downstream trusts it: an array of hits, each
 * with a non-empty string id, a finite score and its own id (no duplicates). A retriever that
 * breaks this is a failed source (under the run's failure policy), never a failed query by itself.
 */
export function validateRetrievedHits(source: string, output: unknown): Hit[] {
  const hits = requireArray(output, `retriever "${source}"`);
  const seen = new Set<string>();
  hits.forEach((hit, index) => {
    const id = checkHit(hit, index, `retriever "${source}"`);
    if (seen.has(id)) {
      throw malformed(`retriever "${source}"`, `hit ${index + 1} repeats id ${JSON.stringify(id)}`);
    }
    seen.add(id);
  });
  return hits as Hit[];
}

/**
 * Checks a reranker's output: a permutation of a subset of its candidates (every id one of the
 * candidates', none twice), each with a finite score.
 */
export function validateRerankedHits(
  reranker: string,
  output: unknown,
  candidates: readonly Hit[],
): Hit[] {
  const what = `reranker "${reranker}"`;
  const hits = requireArray(output, what);
  const candidateIds = new Set(candidates.map((candidate) => candidate.id));
  const seen = new Set<string>();
  hits.forEach((hit, index) => {
    const id = checkHit(hit, index, what);
    if (!candidateIds.has(id)) {
      throw malformed(
        what,
        `hit ${index + 1} has id ${JSON.stringify(id)}, which was not a candidate`,
      );
    }
    if (seen.has(id)) {
      throw malformed(what, `hit ${index + 1} repeats id ${JSON.stringify(id)}`);
    }
    seen.add(id);
  });
  return hits as Hit[];
}

function requireArray(output: unknown, what: string): unknown[] {
  if (Array.isArray(output)) return output;
  throw malformed(what, `it returned ${describe(output)} instead of an array of hits`);
}

function checkHit(hit: unknown, index: number, what: string): string {
  const position = `hit ${index + 1}`;
  if (typeof hit !== "object" || hit === null) {
    throw malformed(what, `${position} is ${describe(hit)}, not a hit object`);
  }
  const { id, score } = hit as { id?: unknown; score?: unknown };
  if (typeof id !== "string" || id.length === 0) {
    throw malformed(what, `${position} has id ${describe(id)}; ids must be non-empty strings`);
  }
  if (typeof score !== "number" || !Number.isFinite(score)) {
    throw malformed(
      what,
      `${position} (id ${JSON.stringify(id)}) has score ${describe(score)}; scores must be finite numbers`,
    );
  }
  return id;
}

function malformed(what: string, problem: string): HybridRagError {
  return new HybridRagError(
    "internal",
    `${what} returned malformed output: ${problem}. This is a bug in that component (or in the server behind it); its output was not used.`,
    { isRetryable: false },
  );
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

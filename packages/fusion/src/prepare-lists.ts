import { type Hit, HybridRagError, type RankedList } from "@hybrid-rag/core";
import { compareCodePoints } from "@hybrid-rag/core/internal";

/** One input list, checked and cut: distinct ids in list order (rank = position + 1). */
export interface PreparedList {
  readonly source: string;
  readonly weight: number;
  readonly hits: readonly Hit[];
  /** Why the source failed, when it did (it then has no hits). */
  readonly failure?: string;
}

export interface PrepareSettings {
  readonly weights?: Readonly<Record<string, number>> | undefined;
  readonly rankWindow?: number | undefined;
}

/**
 * Checks the lists a fusion receives and puts them in a canonical form: sorted by source name
 * (so sums run in the same order whatever the input order), duplicate ids within a list reduced
 * to their first (best-ranked) copy, each list cut to the rank window.
 */
export function prepareLists(
  method: string,
  lists: readonly RankedList[],
  settings: PrepareSettings,
): PreparedList[] {
  if (!Array.isArray(lists)) {
    throw new HybridRagError(
      "invalid-argument",
      `${method}: expected an array of ranked lists, got ${describe(lists)}.`,
    );
  }
  const sources = new Set<string>();
  for (const [index, list] of lists.entries()) {
    const source: unknown = list?.source;
    if (typeof source !== "string" || source.length === 0) {
      throw new HybridRagError(
        "invalid-argument",
        `${method}: list ${index} has no source name (got ${describe(source)}); every list must name the retriever it came from.`,
      );
    }
    if (sources.has(source)) {
      throw new HybridRagError(
        "invalid-argument",
        `${method}: two lists come from source "${source}"; give each retriever a distinct name.`,
      );
    }
    sources.add(source);
  }
  checkNamedSources(method, "weights", Object.keys(settings.weights ?? {}), sources);
  const prepared = lists.map((list) => prepareList(method, list, settings));
  return prepared.sort((a, b) => compareCodePoints(a.source, b.source));
}

/** Rejects option keys that name sources no list comes from: a typo must not be ignored silently. */
export function checkNamedSources(
  method: string,
  option: string,
  named: readonly string[],
  sources: ReadonlySet<string>,
): void {
  const unknown = named.filter((name) => !sources.has(name));
  if (unknown.length === 0) return;
  const known = [...sources].sort(compareCodePoints);
  throw new HybridRagError(
    "invalid-argument",
    `${method}: ${option} name unknown source${unknown.length > 1 ? "s" : ""} ${quoteAll(unknown)}; ` +
      `the lists come from ${known.length > 0 ? quoteAll(known) : "no sources"}. ` +
      `Use the retrievers' names or remove the entry.`,
    { details: { unknown, known } },
  );
}

function prepareList(method: string, list: RankedList, settings: PrepareSettings): PreparedList {
  const weight = settings.weights?.[list.source] ?? 1;
  if (list.error !== undefined) {
    const reason = list.error instanceof Error ? list.error.message : String(list.error);
    return { source: list.source, weight, hits: [], failure: reason };
  }
  if (!Array.isArray(list.hits)) {
    throw new HybridRagError(
      "invalid-argument",
      `${method}: the hits of source "${list.source}" must be an array, got ${describe(list.hits)}.`,
    );
  }
  const window = settings.rankWindow ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  const hits: Hit[] = [];
  for (let position = 0; position < list.hits.length && hits.length < window; position++) {
    const hit = list.hits[position]!;
    checkHit(method, list.source, position, hit);
    if (seen.has(hit.id)) continue;
    seen.add(hit.id);
    hits.push(hit);
  }
  return { source: list.source, weight, hits };
}

function checkHit(method: string, source: string, position: number, hit: Hit): void {
  if (typeof hit?.id !== "string" || hit.id.length === 0) {
    throw new HybridRagError(
      "invalid-argument",
      `${method}: hit ${position} of source "${source}" has no id (got ${describe(hit?.id)}); fusion matches documents by id only.`,
    );
  }
  if (typeof hit.score !== "number" || !Number.isFinite(hit.score)) {
    throw new HybridRagError(
      "invalid-argument",
      `${method}: hit "${hit.id}" of source "${source}" has score ${describe(hit.score)}; scores must be finite numbers.`,
    );
  }
}

function quoteAll(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value;
}

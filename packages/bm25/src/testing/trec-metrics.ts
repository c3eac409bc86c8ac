/**
 * The few trec_eval measures the oracle test needs (nDCG@k, recall@k), computed as trec_eval
 * does: the run is re-sorted by score descending, ties by document id descending, then cut.
 * (The eval package owns the full implementation; this keeps the BM25 tests self-contained.)
 */
export type Run = Map<string, ReadonlyArray<{ docId: string; score: number }>>;
export type Qrels = Map<string, Map<string, number>>;

function trecOrder(hits: ReadonlyArray<{ docId: string; score: number }>) {
  return [...hits].sort(
    (a, b) => b.score - a.score || (a.docId < b.docId ? 1 : a.docId > b.docId ? -1 : 0),
  );
}

export function meanNdcg(run: Run, qrels: Qrels, k: number): number {
  return mean(qrels, (queryId, judged) => {
    const ranked = trecOrder(run.get(queryId) ?? []).slice(0, k);
    const dcg = ranked.reduce(
      (sum, hit, index) => sum + (judged.get(hit.docId) ?? 0) / Math.log2(index + 2),
      0,
    );
    const ideal = [...judged.values()]
      .filter((grade) => grade > 0)
      .sort((a, b) => b - a)
      .slice(0, k)
      .reduce((sum, grade, index) => sum + grade / Math.log2(index + 2), 0);
    return ideal === 0 ? 0 : dcg / ideal;
  });
}

export function meanRecall(run: Run, qrels: Qrels, k: number): number {
  return mean(qrels, (queryId, judged) => {
    const relevant = [...judged.values()].filter((grade) => grade > 0).length;
    const ranked = trecOrder(run.get(queryId) ?? []).slice(0, k);
    const found = ranked.filter((hit) => (judged.get(hit.docId) ?? 0) > 0).length;
    return relevant === 0 ? 0 : found / relevant;
  });
}

function mean(
  qrels: Qrels,
  measure: (queryId: string, judged: Map<string, number>) => number,
): number {
  let total = 0;
  for (const [queryId, judged] of qrels) total += measure(queryId, judged);
  return total / qrels.size;
}

import { existsSync } from "node:fs";
import { HybridRagError } from "@hybrid-rag/core";
import { readResults } from "./readme-files.ts";
import type { PeersResults } from "./results.ts";

/**
 * The results file with `fresh`'s corpora replacing those of the same name, the others kept
 * (corpora measured by separate commands, e.g. one per corpus). Figures from another machine or
 * with other measurement settings are refused, not mixed into one table; the runs asked may
 * differ (each corpus records its own).
 */
export async function mergeResults(file: string, fresh: PeersResults): Promise<PeersResults> {
  if (!existsSync(file)) return fresh;
  const previous = await readResults(file);
  const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);
  const { runs: previousRuns, ...previousSettings } = previous.settings;
  const { runs: _freshRuns, ...freshSettings } = fresh.settings;
  if (!same(previous.machine, fresh.machine) || !same(previousSettings, freshSettings)) {
    throw new HybridRagError(
      "invalid-argument",
      `--merge: ${file} was measured on another machine or with other settings (${JSON.stringify(previous.machine)}, ${JSON.stringify(previous.settings)}); rerun every corpus without --merge.`,
    );
  }
  const measured = new Set(fresh.corpora.map((corpus) => corpus.name));
  return {
    ...fresh,
    corpora: [
      ...previous.corpora
        .filter((corpus) => !measured.has(corpus.name))
        .map((corpus) => ({ runsAsked: previousRuns, ...corpus })),
      ...fresh.corpora,
    ],
  };
}

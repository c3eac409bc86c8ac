import type { CorpusSpec } from "./corpus-spec.ts";
import { loadCorpus } from "./corpus-spec.ts";
import { type MeasureSettings, measureSystem } from "./measure-system.ts";
import { systems } from "./systems.ts";

/**
 * One system, one corpus, one fresh process (so that memory and JIT state are its own): reads
 * `{ system, corpus, settings }` as JSON from argv[2], prints the measurement as one JSON line.
 */
const request = JSON.parse(process.argv[2]!) as {
  readonly system: string;
  readonly corpus: CorpusSpec;
  readonly settings: MeasureSettings;
};
const entry = systems.find((candidate) => candidate.id === request.system);
if (!entry) throw new Error(`unknown system "${request.system}"`);
const corpus = await loadCorpus(request.corpus);
const system = await entry.create();
try {
  const measurement = await measureSystem(system, corpus, request.settings);
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
} finally {
  await system.close?.();
}

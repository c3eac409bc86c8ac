import { encodeMessage } from "./child-messages.ts";
import type { CorpusSpec } from "./corpus-spec.ts";
import { loadCorpus } from "./corpus-spec.ts";
import { type MeasureSettings, measureSystem } from "./measure-system.ts";
import type { SystemEntry } from "./peer-system.ts";

/**
 * One system, one corpus, one fresh process (so that memory and JIT state are its own): reads
 * `{ system, corpus, settings, systemsModule? }` as JSON from argv[2] and prints its progress and
 * then its measurement as JSON lines (`ChildMessage`). `systemsModule` (default `systems.ts`)
 * is the module whose `systems` list names the system; the tests give one of fake systems.
 */
const request = JSON.parse(process.argv[2]!) as {
  readonly system: string;
  readonly corpus: CorpusSpec;
  readonly settings: MeasureSettings;
  readonly systemsModule?: string;
};
const { systems } = (await import(request.systemsModule ?? "./systems.ts")) as {
  systems: readonly SystemEntry[];
};
const entry = systems.find((candidate) => candidate.id === request.system);
if (!entry) throw new Error(`unknown system "${request.system}"`);
const corpus = await loadCorpus(request.corpus);
const system = await entry.create();
try {
  const measurement = await measureSystem(system, corpus, request.settings, (message) =>
    process.stdout.write(encodeMessage(message)),
  );
  process.stdout.write(encodeMessage({ type: "measured", measurement }));
} finally {
  await system.close?.();
}

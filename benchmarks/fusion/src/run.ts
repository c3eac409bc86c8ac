import { runFusionSuite } from "./suite.ts";

// Fusion overhead on two lists of 100 hits. Run on demand: `pnpm --filter @hybrid-rag/benchmark-fusion bench`.
const size = Number(process.argv[2] ?? 100);
const results = runFusionSuite(size, { warmupCalls: 5_000, samples: 300, callsPerSample: 50 });
const floor = results[0]!.medianMs;
console.log(`fusion of two lists of ${size} hits (Node ${process.version}, ${process.arch})`);
console.log("method | median ms | p90 ms | × bare RRF");
console.log("--- | --- | --- | ---");
for (const result of results) {
  console.log(
    `${result.name} | ${result.medianMs.toFixed(4)} | ${result.p90Ms.toFixed(4)} | ${(result.medianMs / floor).toFixed(1)}`,
  );
}

import { runFusionSuite } from "./suite.ts";

// Fusion overhead on two lists of 100 hits. Run on demand: `pnpm --filter @hybrid-rag/benchmark-fusion bench`.
const [sizeArgument = "100"] = process.argv.slice(2).filter((argument) => argument !== "--");
const size = Number(sizeArgument);
if (!Number.isInteger(size) || size < 1) {
  console.error(`usage: bench [hits per list], a whole number ≥ 1 (got ${sizeArgument})`);
  process.exit(2);
}
const results = runFusionSuite(size, { warmupCalls: 5_000, rounds: 1_000, callsPerSample: 10 });
const floor = results[0]!.medianMs;
console.log(`fusion of two lists of ${size} hits (Node ${process.version}, ${process.arch})`);
console.log("method | median ms | p10 ms | p90 ms | median × bare RRF");
console.log("--- | --- | --- | --- | ---");
for (const result of results) {
  console.log(
    `${result.name} | ${result.medianMs.toFixed(4)} | ${result.p10Ms.toFixed(4)} | ${result.p90Ms.toFixed(4)} | ${(result.medianMs / floor).toFixed(1)}`,
  );
}

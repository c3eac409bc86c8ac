import { runFusionContract } from "@hybrid-rag/core/testing";
import { everyFusion } from "./all-methods.test.helper.ts";

for (const { label, create } of everyFusion) {
  runFusionContract({ name: label, create: () => create() });
}

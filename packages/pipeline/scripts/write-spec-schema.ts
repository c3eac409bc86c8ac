// Writes pipeline-spec.schema.json (the JSON Schema editors read) from the zod schema.
// `pnpm --filter @hybrid-rag/pipeline schema:update`; a test fails when the file is stale.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pipelineSpecJsonSchema } from "../src/pipeline-spec.ts";

const path = join(import.meta.dirname, "..", "pipeline-spec.schema.json");
writeFileSync(path, `${JSON.stringify(pipelineSpecJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path}`);

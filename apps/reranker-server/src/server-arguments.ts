import { parseArgs } from "node:util";
import { HybridRagError } from "@hybrid-rag/core";
import { readPipelineSpecFile } from "@hybrid-rag/pipeline";
import { configFromEnvironment, rerankerSpecOf, type ServerConfig } from "./config.ts";

/** What `hybrid-rag-reranker-server [--spec file.json] [--print-spec]` asks for. */
export interface ServerInvocation {
  readonly printSpec: boolean;
  readonly config: ServerConfig;
}

/**
 * Reads the server's arguments: `--spec file.json` gives the model (its reranker part; the
 * environment's variables that are set override it), `--print-spec` prints that part and exits.
 */
export async function readServerInvocation(
  argv: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): Promise<ServerInvocation> {
  let values: { spec?: string; "print-spec"?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { spec: { type: "string" }, "print-spec": { type: "boolean" } },
    }));
  } catch (error) {
    throw new HybridRagError(
      "invalid-argument",
      `${error instanceof Error ? error.message : String(error)}. Usage: hybrid-rag-reranker-server [--spec file.json] [--print-spec]; everything else by environment (see the README).`,
    );
  }
  const spec = values.spec === undefined ? undefined : await readPipelineSpecFile(values.spec);
  return {
    printSpec: values["print-spec"] === true,
    config: configFromEnvironment(environment, spec),
  };
}

export { rerankerSpecOf };

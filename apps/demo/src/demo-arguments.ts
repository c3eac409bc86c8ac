import { parseArgs } from "node:util";
import { HybridRagError } from "@hybrid-rag/core";
import { readPipelineSpecFile } from "@hybrid-rag/pipeline";
import { type DemoConfig, demoConfigFromEnvironment } from "./demo-config.ts";

/** What `hybrid-rag-demo [--spec file.json] [--print-spec] [corpus | --collection <dir>]` asks for. */
export type DemoInvocation =
  | { readonly kind: "help" }
  | { readonly kind: "print-spec"; readonly config: DemoConfig }
  | { readonly kind: "serve"; readonly config: DemoConfig };

/**
 * Reads the demo's arguments: the corpus, `--spec file.json` (the stages' settings; environment
 * variables that are set override its fields) and `--print-spec` (print the spec and exit).
 */
export async function readDemoInvocation(
  argv: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): Promise<DemoInvocation> {
  let parsed: ReturnType<typeof parseDemoArgs>;
  try {
    parsed = parseDemoArgs(argv);
  } catch (error) {
    throw new HybridRagError(
      "invalid-argument",
      `${error instanceof Error ? error.message : String(error)}. Usage: hybrid-rag-demo [--spec file.json] [--print-spec] [corpus] (see --help).`,
    );
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: "help" };
  if (positionals.length > 1 || (values.collection !== undefined && positionals.length > 0)) {
    throw new HybridRagError(
      "invalid-argument",
      `Give one corpus (a folder or a file) or --collection <dir>, not ${[...positionals, ...(values.collection ? [`--collection ${values.collection}`] : [])].join(" and ")}: hybrid-rag-demo --help lists the options.`,
    );
  }
  const base = values.spec === undefined ? undefined : await readPipelineSpecFile(values.spec);
  const config = demoConfigFromEnvironment(
    environment,
    {
      ...(positionals[0] !== undefined ? { corpus: positionals[0] } : {}),
      ...(values.collection !== undefined ? { collection: values.collection } : {}),
    },
    base,
  );
  return { kind: values["print-spec"] === true ? "print-spec" : "serve", config };
}

function parseDemoArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      spec: { type: "string" },
      "print-spec": { type: "boolean" },
      collection: { type: "string" },
    },
  });
}

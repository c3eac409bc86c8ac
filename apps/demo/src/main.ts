#!/usr/bin/env node
import { parseArgs } from "node:util";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { demoHelp } from "./demo-help.ts";
import { startDemo } from "./start-demo.ts";

// `pnpm demo [corpus folder | one file | BEIR folder]` or `pnpm demo --collection <dir>`;
// everything else by environment.
try {
  const { values, positionals } = parseArgs({
    options: { collection: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(demoHelp());
    process.exit(0);
  }
  if (positionals.length > 1 || (values.collection !== undefined && positionals.length > 0)) {
    throw new Error(
      `Give one corpus (a folder or a file) or --collection <dir>, not ${[...positionals, ...(values.collection ? [`--collection ${values.collection}`] : [])].join(" and ")}: hybrid-rag-demo --help lists the options.`,
    );
  }
  const config = demoConfigFromEnvironment(process.env, {
    ...(positionals[0] !== undefined ? { corpus: positionals[0] } : {}),
    ...(values.collection !== undefined ? { collection: values.collection } : {}),
  });
  const demo = await startDemo(config);
  console.log(`hybrid-rag demo: open ${demo.url}`);
  const stop = async () => {
    await demo.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    const port = process.env.DEMO_PORT ?? "3000";
    console.error(
      `Port ${port} is already in use (another demo still running?). Stop it, or pick another port: DEMO_PORT=3001 pnpm demo (DEMO_PORT=0 takes any free port).`,
    );
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(1);
}

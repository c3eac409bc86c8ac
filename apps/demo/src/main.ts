#!/usr/bin/env node
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { demoHelp } from "./demo-help.ts";
import { startDemo } from "./start-demo.ts";

if (process.argv[2] === "--help" || process.argv[2] === "-h") {
  process.stdout.write(demoHelp());
  process.exit(0);
}

// `pnpm demo [corpus folder | corpus.jsonl | BEIR folder]`; everything else by environment.
try {
  const config = demoConfigFromEnvironment(process.env, process.argv[2]);
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

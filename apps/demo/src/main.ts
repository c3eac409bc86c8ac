#!/usr/bin/env node
import { readDemoInvocation } from "./demo-arguments.ts";
import { demoHelp } from "./demo-help.ts";
import { startDemo } from "./start-demo.ts";

// `pnpm demo [--spec file.json] [--print-spec] [corpus folder | file | BEIR folder]` or
// `pnpm demo --collection <dir>`; the rest by environment.
try {
  const invocation = await readDemoInvocation(process.argv.slice(2));
  if (invocation.kind === "help") {
    process.stdout.write(demoHelp());
    process.exit(0);
  }
  if (invocation.kind === "print-spec") {
    process.stdout.write(`${JSON.stringify(invocation.config.spec, null, 2)}\n`);
    process.exit(0);
  }
  const demo = await startDemo(invocation.config);
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

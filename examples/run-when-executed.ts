import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Runs an example's `main` when its file is the one Node was started with, and not when a test
 * imports it. (`import.meta.main` would say the same, but only from Node 24.2.)
 */
export function runWhenExecuted(moduleUrl: string, main: () => Promise<unknown>): void {
  const started = process.argv[1];
  if (started === undefined || realpathSync(started) !== fileURLToPath(moduleUrl)) return;
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

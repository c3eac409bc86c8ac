import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";
import { sharedDirectory, testFilesNeedingShared } from "./tools/shared-data.ts";

// One config for the whole workspace: every package and app is a project, named after its
// package.json. Tests that need live servers are named *.int.test.ts and skip themselves
// (with a message) when ELASTICSEARCH_URL / QDRANT_URL are not set.
const projectFolders = ["packages", "apps", "benchmarks"]
  .flatMap((parent) => readdirSync(parent).map((name) => join(parent, name)))
  .concat("examples")
  .filter((folder) => existsSync(join(folder, "package.json")));

// Without ../shared (read-only data beside the repository), the tests that read it are left
// out with one line saying where it should be; under CI=1 that is an error.
const leftOut = existsSync(sharedDirectory)
  ? new Map<string, string[]>()
  : testFilesNeedingShared(projectFolders);
if (leftOut.size > 0) {
  const count = [...leftOut.values()].reduce((sum, files) => sum + files.length, 0);
  const line = `${count} test files need the shared data folder ${sharedDirectory} (datasets, the test models' vocabulary, API specs), which is missing`;
  if (process.env.CI === "1") throw new Error(`${line}: CI runs every test, so provide it.`);
  // Vitest loads this file more than once per run: say it once.
  const said = Symbol.for("hybrid-rag.shared-data-warning");
  if (!(globalThis as Record<symbol, unknown>)[said]) {
    (globalThis as Record<symbol, unknown>)[said] = true;
    console.warn(`Left out: ${line}; put it beside the repository to run them.`);
  }
}

export default defineConfig({
  test: {
    // `tsc --build` and `pnpm build` emit each package's tests into dist/ as well (never
    // published): only the sources run.
    exclude: [...configDefaults.exclude, "**/dist/**"],
    projects: projectFolders.map((folder) => ({
      extends: true,
      test: {
        name: (JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { name: string })
          .name,
        root: folder,
        exclude: [...configDefaults.exclude, "**/dist/**", ...(leftOut.get(folder) ?? [])],
      },
    })),
    reporters: ["default", "./tools/summary-reporter.ts"],
  },
});

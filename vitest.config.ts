import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

// One config for the whole workspace: every package and app is a project, named after its
// package.json. Tests that need live servers are named *.int.test.ts and skip themselves
// (with a message) when ELASTICSEARCH_URL / QDRANT_URL are not set.
const projectFolders = ["packages", "apps", "benchmarks"]
  .flatMap((parent) => readdirSync(parent).map((name) => join(parent, name)))
  .concat("examples")
  .filter((folder) => existsSync(join(folder, "package.json")));

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
      },
    })),
    reporters: ["default", "./tools/summary-reporter.ts"],
  },
});

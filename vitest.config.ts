import { defineConfig } from "vitest/config";

// One config for the whole workspace: every package and app is a project.
// Tests that need live servers are named *.int.test.ts and skip themselves
// (with a message) when ELASTICSEARCH_URL / QDRANT_URL are not set.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "benchmarks/*", "examples"],
    reporters: ["default", "./tools/summary-reporter.ts"],
  },
});

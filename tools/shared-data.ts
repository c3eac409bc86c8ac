import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// Tests that read `../shared` (datasets, the BERT vocabulary of the tiny test models, API
// specs: read-only, never copied into the repository) cannot run without it. When it is
// missing, vitest.config.ts leaves those test files out and says so in one line; under CI=1 it
// refuses to run instead, since a CI without the data would pass by testing less.

export const repositoryRoot = resolve(import.meta.dirname, "..");

/** Where the shared data is: `../shared` beside the repository (HYBRID_RAG_SHARED overrides, for tests of this rule). */
export const sharedDirectory = resolve(
  process.env.HYBRID_RAG_SHARED ?? join(repositoryRoot, "..", "shared"),
);

/** A path built towards the shared folder: `resolve(…"../shared…")`, `new URL("…/shared/…")`. */
const readsShared = /(?:resolve|join|URL)\(\s*[^)]*["'`][^"'`]*\bshared\b/;
const importPattern =
  /(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)/g;

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** `@hybrid-rag/x` and `@hybrid-rag/x/sub` → the source file its development exports name. */
function workspaceEntries(projectFolders: readonly string[]): Map<string, string> {
  const entries = new Map<string, string>();
  for (const folder of projectFolders) {
    const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
      name: string;
      exports?: Record<string, string | { default?: string; import?: string }>;
    };
    for (const [key, target] of Object.entries(manifest.exports ?? {})) {
      const file = typeof target === "string" ? target : (target.import ?? target.default);
      if (file?.endsWith(".ts")) {
        entries.set(key.replace(/^\./, manifest.name), resolve(folder, file));
      }
    }
  }
  return entries;
}

/**
 * The test files of each project that reach code building a path into the shared folder,
 * through relative imports or workspace packages (an over-approximation: a test importing a
 * `/testing` entry point that can read it counts), as paths relative to the project folder.
 */
export function testFilesNeedingShared(projectFolders: readonly string[]): Map<string, string[]> {
  const entries = workspaceEntries(projectFolders);
  const needs = new Map<string, boolean>();
  const visiting = new Set<string>();
  const reaches = (file: string): boolean => {
    const known = needs.get(file);
    if (known !== undefined) return known;
    if (visiting.has(file) || !existsSync(file) || !statSync(file).isFile()) return false;
    visiting.add(file);
    const text = readFileSync(file, "utf8");
    let result = readsShared.test(text);
    for (const match of result ? [] : text.matchAll(importPattern)) {
      const specifier = match[1] ?? match[2] ?? "";
      const target = specifier.startsWith(".")
        ? resolve(dirname(file), specifier)
        : entries.get(specifier);
      if (target && reaches(target)) {
        result = true;
        break;
      }
    }
    visiting.delete(file);
    needs.set(file, result);
    return result;
  };
  const byProject = new Map<string, string[]>();
  for (const folder of projectFolders) {
    const tests = sourceFiles(resolve(folder)).filter((file) => /\.test\.ts$/.test(file));
    byProject.set(
      folder,
      tests.filter(reaches).map((file) => relative(resolve(folder), file)),
    );
  }
  return byProject;
}

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const repositoryRoot = resolve(import.meta.dirname, "..");

export interface PublishablePackage {
  /** The package folder relative to the repository root, e.g. `packages/core`. */
  readonly directory: string;
  readonly name: string;
  readonly version: string;
  /** The tarball `pnpm pack` writes: `@hybrid-rag/core` 0.1.0 → `hybrid-rag-core-0.1.0.tgz`. */
  readonly tarball: string;
}

/**
 * Every workspace package under packages/ and apps/ that is not `"private": true` — what
 * `pnpm -r pack` would publish. benchmarks/ and examples/ are private by design.
 */
export function publishablePackages(): PublishablePackage[] {
  const found: PublishablePackage[] = [];
  for (const parent of ["packages", "apps"]) {
    for (const entry of readdirSync(join(repositoryRoot, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const directory = `${parent}/${entry.name}`;
      const manifest = JSON.parse(
        readFileSync(join(repositoryRoot, directory, "package.json"), "utf8"),
      ) as { name: string; version: string; private?: boolean };
      if (manifest.private === true) continue;
      const tarball = `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`;
      found.push({ directory, name: manifest.name, version: manifest.version, tarball });
    }
  }
  return found.sort((a, b) => a.directory.localeCompare(b.directory));
}

import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { publishablePackages, repositoryRoot } from "./publishable-packages.ts";

// `pnpm build`: a clean build of every publishable package into its dist/ (ESM JavaScript with
// inline-source maps, .d.ts), then the non-TypeScript files a package lists under
// "hybrid-rag": { "assets": { "src/x": "dist/x" } } in its package.json (the demo's web page).
// dist/ is emptied first so that files of deleted or renamed sources never ship.
const packages = publishablePackages();
// The incremental state (tsconfig.tsbuildinfo) goes too, or tsc would think dist/ up to date.
for (const pkg of packages) {
  for (const output of ["dist", "tsconfig.tsbuildinfo"]) {
    rmSync(join(repositoryRoot, pkg.directory, output), { recursive: true, force: true });
  }
}
execFileSync("pnpm", ["exec", "tsc", "--build"], { cwd: repositoryRoot, stdio: "inherit" });
for (const pkg of packages) {
  const root = join(repositoryRoot, pkg.directory);
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    "hybrid-rag"?: { assets?: Record<string, string> };
  };
  for (const [from, to] of Object.entries(manifest["hybrid-rag"]?.assets ?? {})) {
    cpSync(join(root, from), join(root, to), { recursive: true });
  }
}
console.log(`built ${packages.length} packages`);

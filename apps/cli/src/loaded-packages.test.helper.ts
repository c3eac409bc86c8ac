// `node --import ./loaded-packages.test.helper.ts …`: records every module the process resolves
// and, at exit, writes the packages they belong to (one a line) to $LOADED_PACKAGES_FILE.
// Workspace packages are written as `@hybrid-rag/<folder>`.
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";

const resolved = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    resolved.add(result.url);
    return result;
  },
});

/** The package a module URL belongs to; deep paths kept for the ones named with a subpath. */
function packageOf(url: string): string | undefined {
  const dependency =
    /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(url);
  if (dependency) return dependency[1];
  const workspace = /\/(?:packages|apps)\/([^/]+)\/src\//.exec(url);
  return workspace ? `@hybrid-rag/${workspace[1]}` : undefined;
}

process.on("exit", () => {
  const file = process.env.LOADED_PACKAGES_FILE;
  if (!file) return;
  const packages = new Set<string>();
  for (const url of resolved) {
    const name = packageOf(url);
    if (name) packages.add(name);
    // unpdf is a thin wrapper: its bundled pdf.js is the PDF engine, loaded on first use.
    if (url.includes("/unpdf/dist/pdfjs")) packages.add("unpdf/pdfjs");
  }
  writeFileSync(file, [...packages].sort().join("\n"));
});

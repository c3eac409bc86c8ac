import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// Which test code a published entry point can load: from each entry point and bin of an unpacked
// tarball (the package.json as packed, publishConfig applied), follows the static and dynamic
// relative imports of the shipped JavaScript, and returns the files reached that are test code
// (under a `testing/` folder, or named `*.test.*` / `*.test.helper.*`). The `/testing` entry
// points themselves are where test code belongs and are not followed.

const importPattern =
  /(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s*["']([^"']+)["']/g;

const isTestCode = (path: string) =>
  /(^|\/)testing\//.test(path) || /\.test\.|\.test\.helper\./.test(path);

interface PackedManifest {
  readonly exports?: Record<string, string | Record<string, string>>;
  readonly bin?: string | Record<string, string>;
}

/** The shipped test files reachable from a non-testing entry point: `entry → file` lines. */
export function testCodeReachable(packageFolder: string): string[] {
  const manifest = JSON.parse(
    readFileSync(join(packageFolder, "package.json"), "utf8"),
  ) as PackedManifest;
  const starts: Array<[string, string]> = [];
  for (const [key, target] of Object.entries(manifest.exports ?? {})) {
    if (/testing/.test(key)) continue;
    const file = typeof target === "string" ? target : (target.import ?? target.default);
    if (file?.endsWith(".js")) starts.push([key, file]);
  }
  const bins = typeof manifest.bin === "string" ? { bin: manifest.bin } : (manifest.bin ?? {});
  for (const [name, file] of Object.entries(bins)) starts.push([`bin ${name}`, file]);
  const problems: string[] = [];
  for (const [entry, file] of starts) {
    const seen = new Set<string>();
    const queue = [resolve(packageFolder, file)];
    while (queue.length > 0) {
      const path = queue.pop()!;
      if (seen.has(path) || !existsSync(path)) continue;
      seen.add(path);
      const shipped = relative(packageFolder, path);
      if (isTestCode(shipped)) problems.push(`${entry} → ${shipped}`);
      for (const match of readFileSync(path, "utf8").matchAll(importPattern)) {
        const specifier = match[1] ?? match[2] ?? match[3];
        if (specifier?.startsWith(".")) queue.push(resolve(dirname(path), specifier));
      }
    }
  }
  return problems;
}

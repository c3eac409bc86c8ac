import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

/** Whether this platform lists a process's mapped files in /proc/self/maps (Linux). */
export const canListNativeLibraries = existsSync("/proc/self/maps");

/**
 * Imports `specifiers` in a fresh Node process started in `cwd` (so bare specifiers resolve from
 * that package) and returns the shared objects and `.node` addons that process has mapped, read
 * from /proc/self/maps after the imports: the proof that an entry point does, or does not, load a
 * native library such as libonnxruntime.
 */
export async function nativeLibrariesLoadedBy(
  specifiers: readonly string[],
  cwd: string,
): Promise<string[]> {
  const script = [
    'import { readFileSync } from "node:fs";',
    ...specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`),
    'const files = readFileSync("/proc/self/maps", "utf8").split("\\n").map((line) => line.split(/\\s+/)[5] ?? "");',
    "console.log(JSON.stringify([...new Set(files.filter((file) => /\\.(so[.\\d]*|node)$/.test(file)))]));",
  ].join("\n");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "--eval", script],
    { cwd, timeout: 60_000 },
  );
  return JSON.parse(stdout) as string[];
}

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { HybridRagError } from "@hybrid-rag/core";

const run = promisify(execFile);

/** onnxruntime-node's package folder (its install script lives in script/install.js). */
export function onnxRuntimePackageDirectory(): string {
  const entry = createRequire(import.meta.url).resolve("onnxruntime-node");
  return join(dirname(entry), "..");
}

/**
 * The CUDA major versions onnxruntime-node's installer offers on this platform, read from its own
 * install-metadata.js (`requirements["linux/x64"]` is `["cuda12"]` in 1.30).
 */
export function installableCudaMajors(
  platform = `${process.platform}/${process.arch}`,
  packageDirectory = onnxRuntimePackageDirectory(),
): number[] {
  const metadata = createRequire(import.meta.url)(
    join(packageDirectory, "script", "install-metadata.js"),
  ) as { requirements?: Record<string, string[]> };
  return (metadata.requirements?.[platform] ?? [])
    .map((name) => /^cuda(\d+)$/.exec(name)?.[1])
    .filter((major): major is string => major !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
}

/** "CUDA Version: 13.0" from `nvidia-smi`'s header: the newest CUDA the driver runs. */
export function parseDriverCudaVersion(nvidiaSmiOutput: string): number | undefined {
  const match = /CUDA Version:\s*(\d+)\.(\d+)/.exec(nvidiaSmiOutput);
  return match ? Number(match[1]) + Number(match[2]) / 10 : undefined;
}

/** The driver's CUDA version, or undefined when `nvidia-smi` is absent or fails. */
export async function driverCudaVersion(): Promise<number | undefined> {
  try {
    const { stdout } = await run("nvidia-smi", [], { timeout: 10_000 });
    return parseDriverCudaVersion(stdout);
  } catch {
    return undefined;
  }
}

/**
 * The CUDA major to install: the one asked for, else the newest the installer offers that the
 * driver can run (drivers run older CUDA runtimes: a CUDA 13 driver runs CUDA 12 libraries).
 */
export function chooseCudaMajor(
  installable: readonly number[],
  driverVersion: number | undefined,
  requested?: number,
): number {
  const offered = installable.length > 0 ? installable.join(", ") : "none";
  if (requested !== undefined) {
    if (!installable.includes(requested)) {
      throw new HybridRagError(
        "invalid-argument",
        `onnxruntime-node's installer offers CUDA ${offered} on this platform, not ${requested}: ` +
          "pass one of those with --cuda, or leave --cuda out to pick automatically.",
      );
    }
    return requested;
  }
  const runnable = installable.filter(
    (major) => driverVersion === undefined || major <= Math.floor(driverVersion),
  );
  if (runnable.length === 0) {
    throw new HybridRagError(
      "unavailable",
      driverVersion === undefined
        ? `onnxruntime-node's installer offers no CUDA provider on ${process.platform}/${process.arch}.`
        : `The NVIDIA driver runs CUDA up to ${driverVersion}, older than every CUDA version ` +
            `onnxruntime-node's installer offers (${offered}): update the driver.`,
    );
  }
  return runnable[0]!;
}

/** Shared libraries `ldd` could not find ("libcudart.so.12 => not found"), in its order. */
export function parseLddMissing(lddOutput: string): string[] {
  const missing: string[] = [];
  for (const line of lddOutput.split("\n")) {
    const match = /^\s*(\S+)\s*=>\s*not found/.exec(line);
    if (match && !missing.includes(match[1]!)) missing.push(match[1]!);
  }
  return missing;
}

/** The libraries a shared object needs that the dynamic loader cannot find now. */
export async function missingDependencies(sharedObject: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run("ldd", [sharedObject], { timeout: 10_000 });
    return parseLddMissing(stdout);
  } catch {
    return undefined; // no ldd (not Linux/glibc): loading the provider will tell.
  }
}

/** Whether the dynamic loader's cache (`ldconfig -p`) or LD_LIBRARY_PATH has a library. */
export async function loaderFinds(library: string): Promise<boolean | undefined> {
  const paths = (process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean);
  if (paths.some((path) => existsSync(join(path, library)))) return true;
  for (const ldconfig of ["ldconfig", "/sbin/ldconfig"]) {
    try {
      const { stdout } = await run(ldconfig, ["-p"], { timeout: 10_000 });
      return stdout.split("\n").some((line) => line.trim().startsWith(`${library} `));
    } catch {
      // try the next location
    }
  }
  return undefined;
}

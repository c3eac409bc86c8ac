import { execFileSync } from "node:child_process";
import { existsSync, lstatSync } from "node:fs";
import { join, sep } from "node:path";
import {
  type ClosurePackage,
  listFiles,
  type RuntimeClosure,
  runtimeClosure,
} from "./runtime-closure.ts";

/** What a device `run` call may send: tracked + untracked-not-ignored files + carried paths. */
export const travelLimitBytes = 64 * 1024 * 1024;

/** The GPU check's entry package and what it must not pull in (dependencies it never imports). */
export const checkEntries = ["benchmarks/reranker"];
export const excludedDependencies: Readonly<Record<string, string>> = {
  "@huggingface/transformers":
    "the CPU benchmark's peer (run-benchmark.ts); the GPU check never imports it (it brings sharp and onnxruntime-web)",
  vitest:
    "@hybrid-rag/core's optional peer for its test contracts (core/testing), unused by the check",
  sharp:
    "@hybrid-rag/models' image decoder, imported lazily by decodeImage; the GPU check and the oracles feed tiles, never image files",
};

/** onnxruntime-node ships binaries for six platforms; the device machine is linux x64. */
const keptNativePlatform = `bin${sep}napi-v6${sep}linux${sep}x64`;

/**
 * Files of an installed package that the check never reads: type declarations, source maps,
 * Markdown, protobufjs's code generator and onnxruntime-node's binaries for other platforms.
 */
export function skipInPackage(pkg: ClosurePackage): (path: string) => boolean {
  return (path) => {
    if (/\.(d\.[cm]?ts|map|md|markdown)$/i.test(path)) return true;
    // protobufjs 6 carries its code generator (pbjs/pbts) with its own node_modules.
    if (pkg.name === "protobufjs" && (path === "cli" || path.startsWith(`cli${sep}`))) return true;
    if (pkg.name === "onnxruntime-node" && path.startsWith(`bin${sep}`)) {
      const inside = path === keptNativePlatform || path.startsWith(keptNativePlatform + sep);
      const ancestor = keptNativePlatform.startsWith(path + sep);
      // The CUDA / TensorRT provider libraries (when `pnpm gpu install` put them here) are
      // hundreds of MB, built for CUDA 12: far over the limit, so they never travel.
      return !(inside || ancestor) || /libonnxruntime_providers_(cuda|tensorrt)/.test(path);
    }
    return false;
  };
}

export interface BundleComponent {
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
  /** xz -6 ratio measured on this kind of content (see README, "device bundle"). */
  readonly estimatedCompressedBytes: number;
}

export interface BundlePlan {
  readonly closure: RuntimeClosure;
  readonly components: readonly BundleComponent[];
  /** The repository files that travel anyway (git ls-files --cached --others --exclude-standard). */
  readonly treeBytes: number;
  readonly estimatedTotalBytes: number;
}

/** The Vulkan loader debs (already compressed): 0.37 MiB when first fetched (Debian 12). */
const vulkanDebsBytes = 512 * 1024;

/**
 * Compression ratios (xz -6 output ÷ input) measured when the bundle was first built on linux
 * x64 with Node 24.21 and onnxruntime-node 1.30, rounded up: the Node binary (ratio taken on the
 * unstripped size, since the bundle strips it) 27.2 MB from 126.6 MB; the whole archive 39.3 MiB
 * where these ratios estimate 40.2 MiB. Estimates for `--dry` and the CI guard only: the real
 * build measures the real size.
 */
export const estimatedRatios = { node: 0.22, native: 0.25, other: 0.3 } as const;

/** Sizes of what the bundle would hold, without building it (the CI guard, `--dry`). */
export function planDeviceBundle(options: {
  readonly repositoryRoot: string;
  readonly nodeBinary: string;
  readonly dataBytes: number;
}): BundlePlan {
  const closure = runtimeClosure({
    repositoryRoot: options.repositoryRoot,
    entries: checkEntries,
    exclude: excludedDependencies,
  });
  let nativeBytes = 0;
  let nativeFiles = 0;
  let otherBytes = 0;
  let otherFiles = 0;
  for (const pkg of closure.packages.filter((entry) => !entry.workspace)) {
    for (const file of listFiles(join(options.repositoryRoot, pkg.directory), skipInPackage(pkg))) {
      if (/\.(node|so(\.\d+)*)$/.test(file.path)) {
        nativeBytes += file.bytes;
        nativeFiles++;
      } else {
        otherBytes += file.bytes;
        otherFiles++;
      }
    }
  }
  const nodeBytes = lstatSync(options.nodeBinary).size;
  const components: BundleComponent[] = [
    component("node binary", 1, nodeBytes, estimatedRatios.node),
    component("native libraries", nativeFiles, nativeBytes, estimatedRatios.native),
    component(
      "JavaScript packages",
      otherFiles + closure.links.length,
      otherBytes,
      estimatedRatios.other,
    ),
    component("SciFact subset + vocabulary", 3, options.dataBytes, estimatedRatios.other),
    component("Vulkan loader debs", 7, vulkanDebsBytes, 1),
  ];
  const treeBytes = travellingTreeBytes(options.repositoryRoot);
  return {
    closure,
    components,
    treeBytes,
    estimatedTotalBytes:
      treeBytes + components.reduce((sum, entry) => sum + entry.estimatedCompressedBytes, 0),
  };
}

function component(name: string, files: number, bytes: number, ratio: number): BundleComponent {
  return { name, files, bytes, estimatedCompressedBytes: Math.round(bytes * ratio) };
}

/** Bytes of the files a device call sends besides carried paths: tracked and untracked-not-ignored. */
export function travellingTreeBytes(repositoryRoot: string): number {
  const listed = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: repositoryRoot, encoding: "utf8", maxBuffer: 64 << 20 },
  );
  let bytes = 0;
  for (const path of listed.split("\0")) {
    if (!path) continue;
    const absolute = join(repositoryRoot, path);
    // A tracked file deleted in the working tree does not travel.
    if (existsSync(absolute)) bytes += lstatSync(absolute).size;
  }
  return bytes;
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

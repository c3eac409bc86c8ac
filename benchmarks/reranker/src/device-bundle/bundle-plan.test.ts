import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  excludedDependencies,
  planDeviceBundle,
  skipInPackage,
  travelLimitBytes,
} from "./bundle-plan.ts";
import { listFiles } from "./runtime-closure.ts";

const repositoryRoot = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
// 500 SciFact documents (~0.8 MB) + 1 query + the BERT vocabulary (0.23 MB), rounded up.
const dataBytes = 2 * 1024 * 1024;

// The guard that keeps the device bundle (gpu/prepare-device-bundle.sh) from rotting: what it
// would hold, measured from this checkout's node_modules without building it.
describe("device bundle plan", () => {
  const plan = planDeviceBundle({ repositoryRoot, nodeBinary: process.execPath, dataBytes });

  it("fits the device call's 64 MiB with the repository tree", () => {
    expect(plan.estimatedTotalBytes).toBeLessThanOrEqual(travelLimitBytes);
    expect(plan.treeBytes).toBeGreaterThan(0);
  });

  it("holds the check's runtime packages and none of the excluded ones", () => {
    const names = plan.closure.packages.map((entry) => entry.name);
    expect(names).toEqual(
      expect.arrayContaining(["onnxruntime-node", "onnx-proto", "@huggingface/tokenizers", "zod"]),
    );
    for (const excluded of Object.keys(excludedDependencies)) expect(names).not.toContain(excluded);
    expect(names).not.toContain("sharp");
    expect(
      plan.closure.packages.filter((entry) => entry.workspace).map((entry) => entry.directory),
    ).toEqual(["benchmarks/reranker", "packages/core", "packages/models", "packages/reranker"]);
  });

  it("keeps onnxruntime-node's linux x64 binaries only", () => {
    const onnxruntime = plan.closure.packages.find((entry) => entry.name === "onnxruntime-node")!;
    const binaries = listFiles(
      join(repositoryRoot, onnxruntime.directory),
      skipInPackage(onnxruntime),
    )
      .map((file) => file.path)
      .filter((path) => path.startsWith(`bin${sep}`));
    expect(binaries).toContain(join("bin", "napi-v6", "linux", "x64", "onnxruntime_binding.node"));
    for (const path of binaries)
      expect(path.startsWith(join("bin", "napi-v6", "linux", "x64"))).toBe(true);
  });

  it("records links that stay inside the mirrored tree", () => {
    expect(plan.closure.links.length).toBeGreaterThan(0);
    for (const link of plan.closure.links) {
      const target = resolve(repositoryRoot, link.path, "..", link.target);
      expect(target.startsWith(repositoryRoot + sep)).toBe(true);
    }
  });
});

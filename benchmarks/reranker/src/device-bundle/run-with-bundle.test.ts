import { execFile } from "node:child_process";
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { sharedDirectory } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GpuCheckReport } from "../gpu-check/report.ts";
import { checkEntries, excludedDependencies } from "./bundle-plan.ts";
import { runtimeClosure } from "./runtime-closure.ts";

const run = promisify(execFile);
const repositoryRoot = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const script = join(repositoryRoot, "benchmarks", "reranker", "gpu", "run.sh");
let scratch: string;
let bundle: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "run-with-bundle-"));
  bundle = join(scratch, "bundle");
  await writeSmallBundle(bundle);
  await mkdir(join(scratch, "home"));
  await mkdir(join(scratch, "tmp"));
}, 60_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * A bundle in the layout prepare-device-bundle.sh writes, built in seconds: its "Node" runs the
 * Node running this test, its node_modules/ points at this checkout's, its workspace links are
 * the real closure's, its data the first 12 SciFact documents. What it proves is run.sh's
 * bundle branch: unpacking, the sources copied into the mirror, PATH and --shared.
 */
async function writeSmallBundle(bundle: string): Promise<void> {
  const stage = join(scratch, "stage");
  await mkdir(join(stage, "node", "bin"), { recursive: true });
  await writeFile(
    join(stage, "node", "bin", "node"),
    `#!/bin/sh\nexec "${process.execPath}" "$@"\n`,
  );
  await chmod(join(stage, "node", "bin", "node"), 0o755);
  await mkdir(join(stage, "tree"), { recursive: true });
  await symlink(join(repositoryRoot, "node_modules"), join(stage, "tree", "node_modules"));
  const closure = runtimeClosure({
    repositoryRoot,
    entries: checkEntries,
    exclude: excludedDependencies,
  });
  for (const link of closure.links.filter(
    (entry) => !entry.path.startsWith(`node_modules${sep}`),
  )) {
    await mkdir(dirname(join(stage, "tree", link.path)), { recursive: true });
    await symlink(link.target, join(stage, "tree", link.path));
  }
  const scifact = join(stage, "shared", "datasets", "scifact");
  await mkdir(scifact, { recursive: true });
  await mkdir(join(stage, "shared", "models"), { recursive: true });
  for (const [file, rows] of [
    ["corpus.jsonl", 12],
    ["queries.jsonl", 1],
  ] as const) {
    const text = await readFile(join(sharedDirectory, "datasets", "scifact", file), "utf8");
    await writeFile(join(scifact, file), `${text.split("\n").slice(0, rows).join("\n")}\n`);
  }
  const vocabulary = join("models", "bert-base-uncased-vocab.txt");
  await copyFile(join(sharedDirectory, vocabulary), join(stage, "shared", vocabulary));
  await mkdir(bundle, { recursive: true });
  await run("tar", ["-C", stage, "-cJf", join(bundle, "runtime.tar.xz"), "node", "tree", "shared"]);
  await writeFile(join(bundle, "bundle-id"), `test-${process.pid}\n`);
  // Not this checkout's lockfile: run.sh must say so.
  await writeFile(join(bundle, "lockfile.sha256"), `${"0".repeat(64)}\n`);
  const workspace = closure.packages.filter((entry) => entry.workspace);
  await writeFile(
    join(bundle, "workspace-packages.txt"),
    `${workspace.map((entry) => entry.directory).join("\n")}\n`,
  );
}

describe("gpu/run.sh with a device bundle", () => {
  it("runs the dry run with the bundle's Node, node_modules and data, and an empty environment", async () => {
    const { stdout, stderr } = await run("bash", [script, "--dry-run", join(scratch, "out")], {
      env: {
        PATH: "/usr/bin:/bin",
        HOME: join(scratch, "home"),
        TMPDIR: join(scratch, "tmp"),
        HYBRID_RAG_DEVICE_BUNDLE: bundle,
      },
      timeout: 170_000,
    });
    const mirror = join(scratch, "tmp", `hybrid-rag-device-bundle-test-${process.pid}`);
    expect(stdout).toContain(
      `device bundle test-${process.pid}: ${process.version} from ${mirror}/node/bin`,
    );
    expect(stderr).toMatch(/built from another pnpm-lock\.yaml/);
    const report = JSON.parse(
      await readFile(join(scratch, "out", "results.json"), "utf8"),
    ) as GpuCheckReport;
    expect(report.mode).toBe("dry-run");
    expect(report.machine.node).toBe(process.version);
    expect(report.measurements.map((entry) => `${entry.route} ${entry.precision}`)).toEqual([
      "cpu fp32",
      "cpu fp16",
    ]);
    expect(report.measurements[0]).toMatchObject({ shape: "tiny", passages: 12 });
    // The checkout's sources were copied into the mirror: they are what ran.
    const copied = await readFile(
      join(mirror, "tree", "benchmarks", "reranker", "src", "gpu-check", "gpu-check.ts"),
      "utf8",
    );
    expect(copied).toBe(
      await readFile(
        join(repositoryRoot, "benchmarks/reranker/src/gpu-check/gpu-check.ts"),
        "utf8",
      ),
    );
  }, 180_000);

  it("refuses to measure more passages than the bundle's data holds", async () => {
    const failure = await run(
      "bash",
      [script, "--dry-run", join(scratch, "out-more"), "--passages", "13"],
      {
        env: {
          PATH: "/usr/bin:/bin",
          HOME: join(scratch, "home"),
          TMPDIR: join(scratch, "tmp"),
          HYBRID_RAG_DEVICE_BUNDLE: bundle,
        },
        timeout: 60_000,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/holds 12 rows, fewer than the 13 asked for/),
    });
  }, 70_000);
});

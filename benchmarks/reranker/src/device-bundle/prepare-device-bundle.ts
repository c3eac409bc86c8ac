// Writes the device bundle: everything benchmarks/reranker/gpu/run.sh needs on a GPU machine
// that has no network and no Node (see benchmarks/reranker/README.md, "Device bundle"). Run it
// through benchmarks/reranker/gpu/prepare-device-bundle.sh.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
} from "node:fs";
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sharedDirectory } from "@hybrid-rag/models/testing";
import {
  type BundlePlan,
  estimatedRatios,
  mebibytes,
  planDeviceBundle,
  skipInPackage,
  travelLimitBytes,
} from "./bundle-plan.ts";
import { listFiles } from "./runtime-closure.ts";

const repositoryRoot = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const { values } = parseArgs({
  allowNegative: true,
  options: {
    out: { type: "string", default: join(repositoryRoot, ".device-bundle") },
    shared: { type: "string", default: sharedDirectory },
    node: { type: "string", default: process.execPath },
    passages: { type: "string", default: "500" },
    // --no-vulkan: leave the Vulkan loader debs out (the WebGPU route then cannot load there).
    vulkan: { type: "boolean", default: true },
    dry: { type: "boolean", default: false },
  },
});

/** The Debian packages whose libraries let Dawn (onnxruntime's WebGPU) reach the NVIDIA driver. */
const vulkanPackages = [
  "libvulkan1",
  "libglvnd0",
  "libglx0",
  "libegl1",
  "libgl1",
  "libopengl0",
  "libgles2",
];
const minimumNode = [22, 18] as const;

const out = resolve(values.out);
const passages = Number(values.passages);
if (!Number.isInteger(passages) || passages < 1)
  fail(`--passages must be a positive integer, got ${values.passages}`);
const nodeVersion = execFileSync(values.node, ["--version"], { encoding: "utf8" }).trim();
const [major = 0, minor = 0] = nodeVersion.replace(/^v/, "").split(".").map(Number);
if (major < minimumNode[0] || (major === minimumNode[0] && minor < minimumNode[1])) {
  fail(
    `${values.node} is Node ${nodeVersion}; the check needs >= ${minimumNode.join(".")} (pass --node <binary>)`,
  );
}
const scifact = join(values.shared, "datasets", "scifact");
const vocabulary = join(values.shared, "models", "bert-base-uncased-vocab.txt");
for (const path of [join(scifact, "corpus.jsonl"), join(scifact, "queries.jsonl"), vocabulary]) {
  if (!existsSync(path))
    fail(`${path} is missing: pass --shared <folder holding datasets/scifact/ and models/>`);
}

const data = {
  corpus: await firstLines(join(scifact, "corpus.jsonl"), passages),
  queries: await firstLines(join(scifact, "queries.jsonl"), 1),
  vocabulary: readFileSync(vocabulary),
};
const plan = planDeviceBundle({
  repositoryRoot,
  nodeBinary: values.node,
  dataBytes:
    Buffer.byteLength(data.corpus) + Buffer.byteLength(data.queries) + data.vocabulary.length,
});

if (values.dry) {
  printPlan(plan);
  process.exit(plan.estimatedTotalBytes <= travelLimitBytes ? 0 : 1);
}

const stage = await mkdtemp(join(tmpdir(), "device-bundle-"));
try {
  console.log(`staging in ${stage}`);
  // node/bin/node: the Node that runs the check there (stripped of debug symbols when `strip` is here).
  await mkdir(join(stage, "node", "bin"), { recursive: true });
  const bundledNode = join(stage, "node", "bin", "node");
  await copyFile(values.node, bundledNode);
  await chmod(bundledNode, 0o755);
  const stripped = tryCommand("strip", [bundledNode]);
  // tree/: the repository's layout, node_modules only; run.sh copies the workspace sources in.
  for (const pkg of plan.closure.packages.filter((entry) => !entry.workspace)) {
    const from = join(repositoryRoot, pkg.directory);
    for (const file of listFiles(from, skipInPackage(pkg))) {
      const target = join(stage, "tree", pkg.directory, file.path);
      await mkdir(dirname(target), { recursive: true });
      await copyFile(join(from, file.path), target);
      if (statSync(join(from, file.path)).mode & 0o111) await chmod(target, 0o755);
    }
  }
  for (const link of plan.closure.links) {
    const path = join(stage, "tree", link.path);
    await mkdir(dirname(path), { recursive: true });
    await symlink(link.target, path);
  }
  // shared/: only what the check reads.
  await mkdir(join(stage, "shared", "datasets", "scifact"), { recursive: true });
  await mkdir(join(stage, "shared", "models"), { recursive: true });
  await writeFile(join(stage, "shared", "datasets", "scifact", "corpus.jsonl"), data.corpus);
  await writeFile(join(stage, "shared", "datasets", "scifact", "queries.jsonl"), data.queries);
  await writeFile(join(stage, "shared", "models", "bert-base-uncased-vocab.txt"), data.vocabulary);

  const next = `${out}.partial`;
  await rm(next, { recursive: true, force: true });
  await mkdir(join(next, "vulkan"), { recursive: true });
  const archive = join(next, "runtime.tar.xz");
  console.log("compressing (xz -6; XZ_THREADS sets its threads, default all cores) …");
  execFileSync(
    "bash",
    [
      "-c",
      'set -o pipefail; tar -C "$1" --owner=0 --group=0 -cf - node tree shared | xz -T"$3" -6 > "$2"',
      "bash",
      stage,
      archive,
      process.env.XZ_THREADS ?? "0",
    ],
    { stdio: "inherit" },
  );
  const vulkan = values.vulkan ? downloadVulkanDebs(join(next, "vulkan")) : [];
  const bundleId = (await sha256(archive)).slice(0, 16);
  const lockfileSha256 = await sha256(join(repositoryRoot, "pnpm-lock.yaml"));
  const workspacePackages = plan.closure.packages.filter((entry) => entry.workspace);
  await writeFile(join(next, "bundle-id"), `${bundleId}\n`);
  await writeFile(join(next, "lockfile.sha256"), `${lockfileSha256}\n`);
  await writeFile(
    join(next, "workspace-packages.txt"),
    `${workspacePackages.map((entry) => entry.directory).join("\n")}\n`,
  );
  const archiveBytes = (await stat(archive)).size;
  const vulkanBytes = await folderBytes(join(next, "vulkan"));
  const manifest = {
    bundleId,
    createdAt: new Date().toISOString(),
    commit: tryCommand("git", ["-C", repositoryRoot, "rev-parse", "HEAD"])?.trim() ?? null,
    lockfileSha256,
    node: { version: nodeVersion, from: values.node, stripped: stripped !== undefined },
    data: { corpusDocuments: passages, queries: 1, vocabulary: "bert-base-uncased-vocab.txt" },
    workspacePackages: workspacePackages.map((entry) => entry.directory),
    packages: plan.closure.packages
      .filter((entry) => !entry.workspace)
      .map((entry) => `${entry.name}@${entry.version}`),
    vulkan,
    sizes: {
      uncompressed: Object.fromEntries(plan.components.map((entry) => [entry.name, entry.bytes])),
      runtimeArchive: archiveBytes,
      vulkanDebs: vulkanBytes,
      tree: plan.treeBytes,
    },
  };
  await writeFile(join(next, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(out, { recursive: true, force: true });
  await rename(next, out);

  const bundleBytes = await folderBytes(out);
  const total = plan.treeBytes + bundleBytes;
  console.log(`\nwrote ${out} (bundle ${bundleId})`);
  console.log(
    `  runtime.tar.xz   ${mebibytes(archiveBytes)} (Node ${nodeVersion}, ${manifest.packages.length} packages, SciFact ${passages} documents + 1 query, vocabulary)`,
  );
  console.log(`  vulkan/*.deb     ${mebibytes(vulkanBytes)} (${vulkan.length} packages)`);
  console.log(`  bundle folder    ${mebibytes(bundleBytes)}`);
  console.log(
    `  repository tree  ${mebibytes(plan.treeBytes)} (tracked + untracked-not-ignored files)`,
  );
  console.log(
    `  travels in all   ${mebibytes(total)} of the ${mebibytes(travelLimitBytes)} limit (${((total / travelLimitBytes) * 100).toFixed(0)} %)`,
  );
  if (total > travelLimitBytes)
    fail("over the device's 64 MiB limit: the run call would be refused");
} finally {
  await rm(stage, { recursive: true, force: true });
}

function printPlan(plan: BundlePlan): void {
  console.log(
    `device bundle plan (dry: nothing written; xz ratios ${JSON.stringify(estimatedRatios)})`,
  );
  for (const entry of plan.components) {
    console.log(
      `  ${entry.name.padEnd(28)} ${String(entry.files).padStart(5)} files  ${mebibytes(entry.bytes).padStart(10)} → ~${mebibytes(entry.estimatedCompressedBytes)}`,
    );
  }
  console.log(`  repository tree              ${mebibytes(plan.treeBytes)}`);
  console.log(
    `  estimated total              ${mebibytes(plan.estimatedTotalBytes)} of ${mebibytes(travelLimitBytes)}`,
  );
}

function downloadVulkanDebs(folder: string): string[] {
  // The device machine is x86-64: ask for amd64 whatever this machine is, with a private list
  // folder so the system's apt state is left alone (as the device guide does).
  const lists = join(tmpdir(), "device-bundle-apt-amd64");
  const options = [
    "-oAPT::Architecture=amd64",
    "-oAPT::Architectures=amd64",
    `-oDir::State::Lists=${lists}`,
  ];
  try {
    mkdirSync(join(lists, "partial"), { recursive: true });
    execFileSync("apt-get", [...options, "-q", "update"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    execFileSync("apt-get", [...options, "-q", "download", ...vulkanPackages], {
      cwd: folder,
      stdio: ["ignore", "ignore", "inherit"],
    });
  } catch (error) {
    fail(
      `could not download the Vulkan loader debs (${vulkanPackages.join(", ")}) with apt-get: ${(error as Error).message.split("\n")[0]}. Without them the WebGPU route cannot load there; pass --no-vulkan to build the bundle anyway.`,
    );
  }
  return readdirSync(folder).sort();
}

async function firstLines(path: string, count: number): Promise<string> {
  const lines = createInterface({ input: createReadStream(path) });
  const kept: string[] = [];
  for await (const line of lines) {
    if (!line.trim()) continue;
    kept.push(line);
    if (kept.length === count) break;
  }
  lines.close();
  if (kept.length < count)
    fail(`${path} holds ${kept.length} rows, fewer than the ${count} asked for`);
  return `${kept.join("\n")}\n`;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function folderBytes(folder: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return bytes;
}

function tryCommand(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

function fail(message: string): never {
  console.error(`prepare-device-bundle: ${message}`);
  process.exit(1);
}

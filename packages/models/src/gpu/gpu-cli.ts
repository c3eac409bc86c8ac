#!/usr/bin/env node
// hybrid-rag-gpu: installs onnxruntime-node's CUDA provider libraries and checks the GPU routes.
//   hybrid-rag-gpu install [--cuda <major>] [--print] [--no-check]
//                                                        runs onnxruntime-node's own installer, then check
//   hybrid-rag-gpu check [--json]                        says which GPU routes load, and what is missing
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  chooseCudaMajor,
  driverCudaVersion,
  installableCudaMajors,
  onnxRuntimePackageDirectory,
} from "./cuda-runtime.ts";
import { checkGpuRoutes, describeRouteCheck } from "./gpu-routes.ts";

const usage =
  "usage: hybrid-rag-gpu install [--cuda <major>] [--print] [--no-check] | hybrid-rag-gpu check [--json]";

const { positionals, values } = parseArgs({
  args: process.argv.slice(2).filter((argument) => argument !== "--"),
  allowPositionals: true,
  options: {
    cuda: { type: "string" },
    print: { type: "boolean", default: false },
    "no-check": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

async function check(json: boolean): Promise<number> {
  const checks = await checkGpuRoutes();
  if (json) console.log(JSON.stringify({ routes: checks }, null, 2));
  else for (const line of checks.flatMap(describeRouteCheck)) console.log(line);
  return checks.some((route) => route.loads) ? 0 : 1;
}

async function install(): Promise<number> {
  const requested = values.cuda === undefined ? undefined : Number(values.cuda);
  if (requested !== undefined && !Number.isInteger(requested)) {
    console.error(`--cuda takes a major version such as 12, got ${JSON.stringify(values.cuda)}.`);
    return 2;
  }
  const driver = await driverCudaVersion();
  const major = chooseCudaMajor(installableCudaMajors(), driver, requested);
  const script = join(onnxRuntimePackageDirectory(), "script", "install.js");
  console.log(
    `NVIDIA driver: ${driver === undefined ? "not found (nvidia-smi failed)" : `CUDA ${driver}`}; ` +
      `installing onnxruntime-node's CUDA ${major} provider libraries:`,
  );
  console.log(`  ONNXRUNTIME_NODE_INSTALL=cuda${major} node ${script}`);
  if (values.print) return 0;
  // The variables that skip the download elsewhere (CI, pnpm-workspace.yaml) take precedence
  // over the script's flags, so they are replaced for this one run.
  const { ONNXRUNTIME_NODE_INSTALL_CUDA: _skipCuda, ...environment } = process.env;
  const result = spawnSync(process.execPath, [script], {
    stdio: "inherit",
    env: { ...environment, ONNXRUNTIME_NODE_INSTALL: `cuda${major}` },
  });
  if (result.status !== 0) {
    console.error(
      `onnxruntime-node's installer failed (exit ${result.status}): it downloads from api.nuget.org; check the network or proxy (GLOBAL_AGENT_HTTPS_PROXY).`,
    );
    return 1;
  }
  // A Docker build installs without a GPU: the check belongs to the machine that runs it.
  if (values["no-check"]) return 0;
  console.log("\nchecking the GPU routes:");
  return check(false);
}

let exitCode: number;
try {
  const [command] = positionals;
  if (values.help || command === undefined) {
    console.log(usage);
    exitCode = command === undefined && !values.help ? 2 : 0;
  } else if (command === "check") exitCode = await check(values.json);
  else if (command === "install") exitCode = await install();
  else {
    console.error(`unknown command ${JSON.stringify(command)}\n${usage}`);
    exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
}
process.exit(exitCode);

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measurePythonPeer } from "./python-peer.ts";
import type { GpuCheckReport } from "./report.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../gpu/run.sh", import.meta.url));
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "gpu-check-test-"));
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

// CI runs the GPU check's dry run: the same code path as on a GPU, on the CPU with tiny sizes,
// so the script cannot rot between the runs on a GPU machine.
describe("benchmarks/reranker/gpu/run.sh --dry-run", () => {
  it("measures the CPU route, reports every GPU route and the peer, and writes JSON + Markdown", async () => {
    // The workspace's own node_modules (run-with-bundle.test.ts covers the device bundle).
    const { stdout } = await run("bash", [script, "--dry-run", join(out, "dry")], {
      env: { ...process.env, HYBRID_RAG_DEVICE_BUNDLE: "off" },
      timeout: 170_000,
    });
    const report = JSON.parse(
      await readFile(join(out, "dry", "results.json"), "utf8"),
    ) as GpuCheckReport;
    expect(report.mode).toBe("dry-run");
    expect(report.routes.map((route) => route.provider)).toEqual(["cuda", "webgpu"]);
    for (const route of report.routes) {
      // A route that does not load says why; one that loads was measured.
      if (route.loads) {
        expect(report.measurements.some((entry) => entry.route === route.provider)).toBe(true);
      } else expect(route.error).toMatch(new RegExp(`"${route.provider}" was requested`));
    }
    const cpu = report.measurements.find(
      (entry) => entry.route === "cpu" && entry.precision === "fp32",
    );
    expect(cpu).toMatchObject({ shape: "tiny", provider: "cpu", passages: 12 });
    // The fp16 file (what GPUs run) goes through the same path on the CPU.
    expect(report.measurements.map((entry) => `${entry.route} ${entry.precision}`)).toContain(
      "cpu fp16",
    );
    expect(report.skipped).toEqual([]);
    expect(cpu!.medianMs).toBeGreaterThan(0);
    expect(cpu!.pairsPerSecond).toBeCloseTo(12 / (cpu!.medianMs / 1000), 6);
    const [peer] = report.peers;
    if (peer?.available) expect(peer.medianMs).toBeGreaterThan(0);
    else expect(peer?.reason).toMatch(/\S/);
    expect(stdout).toContain("| shape | contender | passages | median ms | pairs/s | vs PyTorch |");
    expect(stdout).toMatch(/\| tiny \| hybrid-rag onnxruntime cpu fp32 \| 12 \|/);
    const markdown = await readFile(join(out, "dry", "results.md"), "utf8");
    expect(markdown).toMatch(/^# GPU check \(dry-run\)/);
    expect(markdown).toContain("GPU routes:\n- cuda: ");
  }, 180_000);

  it("reports a missing Python peer as unavailable, with the reason", async () => {
    const peer = await measurePythonPeer({
      python: join(out, "no-such-python"),
      modelDirectory: out,
      workDirectory: out,
      query: "q",
      passages: ["p"],
      device: "cpu",
      dtype: "fp32",
      runs: 1,
      timeoutMs: 10_000,
    });
    expect(peer).toMatchObject({
      available: false,
      reason: expect.stringMatching(/no-such-python/),
    });
  });

  it("refuses to run without an output folder", async () => {
    const failure = await run("bash", [script]).catch((error: { code: number }) => error);
    expect(failure).toMatchObject({ code: 2 });
  });
});

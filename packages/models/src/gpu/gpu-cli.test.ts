import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { providerLibraryInstalled } from "../provider-libraries.ts";
import type { GpuRouteCheck } from "./gpu-routes.ts";

const run = promisify(execFile);
const cli = fileURLToPath(new URL("./gpu-cli.ts", import.meta.url));

describe.skipIf(providerLibraryInstalled("cuda"))(
  "hybrid-rag-gpu on a machine without CUDA",
  () => {
    it("check prints exactly which provider libraries are missing and exits 1", {
      timeout: 30_000,
    }, async () => {
      const failure = await run(process.execPath, [cli, "check", "--json"]).catch(
        (error: { code: number; stdout: string }) => error,
      );
      expect("code" in failure && failure.code).toBe(1);
      const { routes } = JSON.parse(failure.stdout) as { routes: GpuRouteCheck[] };
      const cuda = routes.find((route) => route.provider === "cuda")!;
      expect(cuda).toMatchObject({
        loads: false,
        missingProviderLibraries: [
          "libonnxruntime_providers_shared.so",
          "libonnxruntime_providers_cuda.so",
        ],
      });
      expect(cuda.error).toMatch(/npx hybrid-rag-gpu install/);
      expect(routes.map((route) => route.provider)).toEqual(["cuda", "webgpu"]);
    });

    it("install --print names onnxruntime-node's own installer and the CUDA major", {
      timeout: 30_000,
    }, async () => {
      const { stdout } = await run(process.execPath, [cli, "install", "--print"]);
      expect(stdout).toMatch(
        /ONNXRUNTIME_NODE_INSTALL=cuda12 node \S+onnxruntime-node[/\\]script[/\\]install\.js/,
      );
    });

    it("rejects a CUDA major the installer does not offer", { timeout: 30_000 }, async () => {
      const failure = await run(process.execPath, [cli, "install", "--cuda", "11"]).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stderr: string }).stderr).toMatch(
        /offers CUDA 12 on this platform, not 11/,
      );
    });
  },
);

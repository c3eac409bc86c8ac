import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publishablePackages, repositoryRoot } from "./publishable-packages.ts";
import { testCodeReachable } from "./test-code-reachability.ts";

// `pnpm check:packages`: builds, packs every publishable package, and lints each tarball the way
// the ecosystem does: publint (--strict: warnings fail too) and @arethetypeswrong/cli with the
// esm-only profile (the packages are ESM only, so CommonJS `require` resolution is not checked);
// and that no entry point or bin but `/testing` can load test code (`test-code-reachability.ts`).
const scratch = mkdtempSync(join(tmpdir(), "hybrid-rag-check-packages-"));
const bin = (name: string) => join(repositoryRoot, "node_modules", ".bin", name);

/** Runs a checker; resolves to its output and whether it passed (exit status 0). */
function check(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolvePromise) => {
    execFile(bin(command), args, { cwd: repositoryRoot }, (error, stdout, stderr) => {
      resolvePromise({ ok: error === null, output: `${stdout}${stderr}` });
    });
  });
}
try {
  // HYBRID_RAG_BUILT=1: `pnpm build` has just run (CI runs it once for every package check).
  if (process.env.HYBRID_RAG_BUILT !== "1") {
    execFileSync("pnpm", ["build"], {
      cwd: repositoryRoot,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  execFileSync("node", ["tools/pack-packages.ts", scratch], {
    cwd: repositoryRoot,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const failed: string[] = [];
  const results = await Promise.all(
    publishablePackages().map(async (pkg) => {
      const tarball = join(scratch, pkg.tarball);
      const [publint, attw] = await Promise.all([
        check("publint", ["--strict", tarball]),
        check("attw", ["--profile", "esm-only", "--format", "table-flipped", tarball]),
      ]);
      const unpacked = join(scratch, pkg.tarball.replace(/\.tgz$/, ""));
      mkdirSync(unpacked);
      execFileSync("tar", ["-xzf", tarball, "-C", unpacked]);
      const reached = testCodeReachable(join(unpacked, "package"));
      const testCode = {
        ok: reached.length === 0,
        output: `test code reachable from a published entry point:\n  ${reached.join("\n  ")}`,
      };
      return { pkg, publint, attw, testCode };
    }),
  );
  for (const { pkg, publint, attw, testCode } of results) {
    const verdict = (result: { ok: boolean }) => (result.ok ? "ok" : "FAILED");
    console.log(
      `${pkg.name}: publint ${verdict(publint)}, attw ${verdict(attw)}, no test code ${verdict(testCode)}`,
    );
    if (!publint.ok) console.log(publint.output);
    if (!attw.ok) console.log(attw.output);
    if (!testCode.ok) console.log(testCode.output);
    if (!publint.ok || !attw.ok || !testCode.ok) failed.push(pkg.name);
  }
  if (failed.length > 0) {
    console.error(`\npackage checks failed: ${failed.join(", ")}`);
    process.exitCode = 1;
  } else {
    console.log(
      `\npublint, attw and the test-code check pass for ${publishablePackages().length} packages`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

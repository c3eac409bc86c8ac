import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { publishablePackages, repositoryRoot } from "./publishable-packages.ts";

// node tools/pack-packages.ts DESTINATION: `pnpm pack` of every publishable package (publishConfig
// applied, workspace:* and catalog: versions resolved) into DESTINATION; run `pnpm build` first.
// Prints the tarball paths, one a line.
const destination = process.argv[2];
if (!destination) {
  console.error(
    "usage: node tools/pack-packages.ts DESTINATION (a folder; run `pnpm build` first)",
  );
  process.exit(2);
}
const target = resolve(destination);
mkdirSync(target, { recursive: true });
const packages = publishablePackages();
// One pnpm process for all of them (a pnpm start costs about a second on a busy machine).
const filters = packages.flatMap((pkg) => ["--filter", `./${pkg.directory}`]);
execFileSync("pnpm", ["--recursive", ...filters, "pack", "--pack-destination", target], {
  cwd: repositoryRoot,
  stdio: ["ignore", "ignore", "inherit"],
});
for (const pkg of packages) console.log(join(target, pkg.tarball));

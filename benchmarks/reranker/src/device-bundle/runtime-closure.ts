import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** One package the GPU check loads at run time, as installed by pnpm in this checkout. */
export interface ClosurePackage {
  readonly name: string;
  readonly version: string;
  /** Its real folder, relative to the repository root. */
  readonly directory: string;
  /** A workspace package: its sources travel with the repository, not in the bundle. */
  readonly workspace: boolean;
}

/** A `node_modules/<name>` entry that Node's resolution walks through (pnpm makes them links). */
export interface ClosureLink {
  readonly path: string;
  readonly target: string;
}

export interface RuntimeClosure {
  readonly packages: readonly ClosurePackage[];
  readonly links: readonly ClosureLink[];
}

export interface ClosureOptions {
  readonly repositoryRoot: string;
  /** Workspace folders to start from, relative to the repository root. */
  readonly entries: readonly string[];
  /** Dependencies of workspace packages that the GPU check never imports, with the reason. */
  readonly exclude: Readonly<Record<string, string>>;
}

interface Manifest {
  readonly name: string;
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/**
 * Every package the entries load at run time (dependencies, optional dependencies and peers
 * that are installed; never devDependencies), found the way Node finds them: walking up the
 * `node_modules` folders from each package's real folder. Returns the real folders and every
 * link walked through, so that the same layout, rebuilt elsewhere, resolves the same way.
 */
export function runtimeClosure(options: ClosureOptions): RuntimeClosure {
  const root = realpathSync(options.repositoryRoot);
  const packages = new Map<string, ClosurePackage>();
  const links = new Map<string, ClosureLink>();
  const pending = options.entries.map((entry) => join(root, entry));

  while (pending.length > 0) {
    const directory = realpathSync(pending.pop()!);
    const key = relative(root, directory);
    if (packages.has(key)) continue;
    if (key.startsWith("..")) {
      throw new Error(
        `${directory} lies outside the repository ${root}: the bundle can only hold this checkout's node_modules (is pnpm's global virtual store on?).`,
      );
    }
    const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as Manifest;
    const workspace = !key.split(sep).includes("node_modules");
    packages.set(key, {
      name: manifest.name,
      version: manifest.version ?? "0.0.0",
      directory: key,
      workspace,
    });
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = [
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    for (const name of [...required, ...optional]) {
      if (workspace && name in options.exclude) continue;
      const found = findInstalled(directory, name, root);
      if (!found) {
        if (required.includes(name)) {
          throw new Error(
            `${manifest.name} depends on ${name}, which is not installed under ${key}: run 'pnpm install' first.`,
          );
        }
        continue;
      }
      for (const link of found.links) links.set(link.path, link);
      pending.push(found.directory);
    }
  }
  return {
    packages: [...packages.values()].sort((a, b) => a.directory.localeCompare(b.directory)),
    links: [...links.values()].sort((a, b) => a.path.localeCompare(b.path)),
  };
}

function findInstalled(
  from: string,
  name: string,
  root: string,
): { directory: string; links: ClosureLink[] } | undefined {
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) {
      return { directory: candidate, links: linksAlong(candidate, root) };
    }
    if (directory === root || dirname(directory) === directory) return undefined;
  }
}

/** The links in `path` (its own and its parents' inside the repository), outermost first. */
function linksAlong(path: string, root: string): ClosureLink[] {
  const found: ClosureLink[] = [];
  const parts = relative(root, path).split(sep);
  for (let index = 1; index <= parts.length; index++) {
    const partial = parts.slice(0, index).join(sep);
    const absolute = join(root, partial);
    if (lstatSync(absolute).isSymbolicLink()) {
      found.push({ path: partial, target: readlinkSync(absolute) });
    }
  }
  return found;
}

/** Files under a folder with their sizes, skipping what `skip` (a path relative to it) rejects. */
export function listFiles(
  directory: string,
  skip: (path: string) => boolean = () => false,
): { path: string; bytes: number }[] {
  const files: { path: string; bytes: number }[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(directory, folder), { withFileTypes: true })) {
      const path = folder ? join(folder, entry.name) : entry.name;
      if (skip(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        files.push({ path, bytes: lstatSync(join(directory, path)).size });
      }
    }
  };
  walk("");
  return files;
}

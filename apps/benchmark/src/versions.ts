import { readFile } from "node:fs/promises";

/** Node and the hybrid-rag package versions, for the JSON report. */
export async function toolVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = { node: process.versions.node };
  const own = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
    name: string;
    version: string;
  };
  versions[own.name] = own.version;
  return versions;
}

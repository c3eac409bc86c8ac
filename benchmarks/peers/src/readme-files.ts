import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { readSection, replaceSection } from "./readme-section.ts";
import { renderTables } from "./render-tables.ts";
import type { PeersResults } from "./results.ts";

export const committedResults = fileURLToPath(new URL("../results.json", import.meta.url));

/** The READMEs that show the peer table: the package's own and the root README's performance section. */
export const readmesWithTable = [
  fileURLToPath(new URL("../README.md", import.meta.url)),
  fileURLToPath(new URL("../../../README.md", import.meta.url)),
];

export async function readResults(file = committedResults): Promise<PeersResults> {
  return JSON.parse(await readFile(file, "utf8")) as PeersResults;
}

/** Rewrites the table section of every README from the results file. */
export async function writeTables(results: PeersResults): Promise<void> {
  const tables = renderTables(results);
  for (const file of readmesWithTable) {
    const readme = await readFile(file, "utf8");
    await writeFile(file, replaceSection(readme, file, tables));
  }
}

/** The README files whose table section differs from what the results render to. */
export async function staleReadmes(results: PeersResults): Promise<string[]> {
  const tables = renderTables(results);
  const stale: string[] = [];
  for (const file of readmesWithTable) {
    if (readSection(await readFile(file, "utf8"), file) !== tables) stale.push(file);
  }
  return stale;
}

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Runs the Lucene oracle (packages/bm25/oracle/LuceneOracle.java) against Debian's
 * liblucene8-java jars (Lucene 8.8.1 per their manifest, file names ending 8.7.0): compiled
 * once per source version into a temp folder.
 */
const oracleSource = fileURLToPath(new URL("../../oracle/LuceneOracle.java", import.meta.url));
const jarFolder = process.env.LUCENE_JARS ?? "/usr/share/java";
const jarNames = ["lucene-core-8.7.0.jar", "lucene-analyzers-common-8.7.0.jar"];

/** Why the oracle cannot run here, or undefined when it can. */
export function oracleUnavailableReason(): string | undefined {
  const missing = jarNames.filter((jar) => !existsSync(join(jarFolder, jar)));
  if (missing.length > 0) {
    return `Lucene jars missing in ${jarFolder} (${missing.join(", ")}): apt-get install liblucene8-java (see .ci/system-packages)`;
  }
  for (const tool of ["java", "javac"]) {
    try {
      execFileSync(tool, ["-version"], { stdio: "ignore" });
    } catch {
      return `${tool} not found on PATH: install a JDK (17+)`;
    }
  }
  return undefined;
}

function classPath(): string {
  const source = readFileSync(oracleSource);
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 16);
  const output = join(tmpdir(), `hybrid-rag-lucene-oracle-${hash}`);
  const jars = jarNames.map((jar) => join(jarFolder, jar)).join(":");
  if (!existsSync(join(output, "LuceneOracle.class"))) {
    // Test files run in parallel: compile aside, then move into place in one rename.
    const staging = mkdtempSync(`${output}-staging-`);
    execFileSync("javac", ["-d", staging, "-cp", jars, oracleSource], { stdio: "inherit" });
    try {
      renameSync(staging, output);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another worker was first
    }
  }
  return `${output}:${jars}`;
}

export interface LuceneVersion {
  /** `Version.LATEST` of lucene-core, e.g. "8.8.1". */
  readonly version: string;
  /** The jar manifest's Specification-Version and Implementation-Version. */
  readonly specificationVersion: string;
  readonly implementationVersion: string;
}

/**
 * The Lucene version the oracle really runs, read from the jars (not their file names: Debian's
 * liblucene8-java ships Lucene 8.8.1 in jars named 8.7.0).
 */
export function luceneVersion(): LuceneVersion {
  const output = execFileSync("java", ["-cp", classPath(), "LuceneOracle", "version"])
    .toString("utf8")
    .trim();
  const [version = "", specificationVersion = "", implementationVersion = ""] = output.split("\t");
  return { version, specificationVersion, implementationVersion };
}

/** Escapes a text for the oracle's one-record-per-line files. */
export function escapeRecord(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (character) =>
    character === "\t" ? "\\t" : character === "\n" ? "\\n" : character === "\r" ? "\\r" : "\\\\",
  );
}

/** Writes `id TAB text` records to a file for the oracle. */
export function writeRecords(
  path: string,
  records: ReadonlyArray<readonly [string, string]>,
): void {
  mkdirSync(dirname(path), { recursive: true });
  // In slices: one string of a million documents would exceed V8's string length limit.
  const file = openSync(path, "w");
  try {
    for (let start = 0; start < records.length; start += 10_000) {
      const slice = records.slice(start, start + 10_000);
      writeSync(file, slice.map(([id, text]) => `${id}\t${escapeRecord(text)}\n`).join(""));
    }
  } finally {
    closeSync(file);
  }
}

/** Lucene's analysed tokens of each text. */
export function luceneAnalyze(
  analyzer: "standard" | "english",
  texts: readonly string[],
): string[][] {
  const input = texts.map((text) => `${escapeRecord(text)}\n`).join("");
  const output = execFileSync("java", ["-cp", classPath(), "LuceneOracle", "analyze", analyzer], {
    input,
    maxBuffer: 1 << 30,
  }).toString("utf8");
  const lines = output.split("\n");
  return texts.map((_, index) => (lines[index] === "" ? [] : lines[index]!.split("\t")));
}

export interface OracleHit {
  readonly docId: string;
  readonly score: number;
}

/** Lucene's top-k per query (query id → hits in rank order), BM25(k1, b). */
export function luceneSearch(options: {
  analyzer: "standard" | "english";
  k1: number;
  b: number;
  topK: number;
  documentsFile: string;
  queriesFile: string;
}): Map<string, OracleHit[]> {
  const { analyzer, k1, b, topK, documentsFile, queriesFile } = options;
  const args = [
    "-cp",
    classPath(),
    "LuceneOracle",
    "search",
    analyzer,
    String(k1),
    String(b),
    String(topK),
    documentsFile,
    queriesFile,
  ];
  const output = execFileSync("java", args, { maxBuffer: 1 << 30 }).toString("utf8");
  const run = new Map<string, OracleHit[]>();
  for (const line of output.split("\n")) {
    if (line === "") continue;
    const [queryId, , docId, , score] = line.split(" ");
    const hits = run.get(queryId!) ?? [];
    // Float.toString prints the shortest decimal that identifies the float: round it back.
    hits.push({ docId: docId!, score: Math.fround(Number(score)) });
    run.set(queryId!, hits);
  }
  return run;
}

/** The command line that runs the oracle's own benchmark (`bench` mode). */
export function luceneBenchmarkCommand(args: readonly string[]): string[] {
  return ["-cp", classPath(), "LuceneOracle", "bench", ...args];
}

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { writeTinyBeir } from "./tiny-beir.ts";

/** A scratch folder with a generated BEIR set and tiny bi- and cross-encoders, for CLI tests. */
export async function createTinyBenchmark(prefix: string) {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const dataset = join(root, "tiny");
  await writeTinyBeir(dataset);
  const crossEncoder = await createTinyBertModel(join(root, "cross-encoder"), {
    kind: "cross-encoder",
  });
  const biEncoder = await createTinyBertModel(join(root, "bi-encoder"), { kind: "bi-encoder" });
  return { root, dataset, crossEncoder: crossEncoder.directory, biEncoder: biEncoder.directory };
}

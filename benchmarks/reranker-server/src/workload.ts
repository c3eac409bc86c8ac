import { createReadStream, existsSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** One ranking request: a query and its passages, as a first-stage retriever would send. */
export interface RankingWorkload {
  readonly query: string;
  readonly passages: readonly string[];
}

const scifact = resolve(
  fileURLToPath(new URL("../../../../shared/datasets/scifact", import.meta.url)),
);

/**
 * Queries and passages from SciFact when `../shared/datasets/scifact` is there (abstracts cut to
 * `passageWords` words), else generated text of the same shape.
 */
export async function loadWorkloads(
  count: number,
  passagesPerRequest: number,
  passageWords: number,
): Promise<{ workloads: RankingWorkload[]; source: string }> {
  const needed = count + count * passagesPerRequest;
  const texts = existsSync(`${scifact}/corpus.jsonl`)
    ? await readTexts(`${scifact}/corpus.jsonl`, needed)
    : [];
  const source = texts.length >= needed ? "SciFact abstracts" : "generated text";
  const text = (index: number) =>
    texts.length >= needed ? texts[index]! : generatedText(index, passageWords * 2);
  const cut = (value: string, words: number) => value.split(/\s+/).slice(0, words).join(" ");
  const workloads = Array.from({ length: count }, (_, request) => ({
    query: cut(text(request), 12),
    passages: Array.from({ length: passagesPerRequest }, (_, passage) =>
      cut(text(count + request * passagesPerRequest + passage), passageWords),
    ),
  }));
  return { workloads, source };
}

async function readTexts(path: string, count: number): Promise<string[]> {
  const texts: string[] = [];
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const { title, text } = JSON.parse(line) as { title?: string; text: string };
    texts.push(`${title ?? ""} ${text}`.trim());
    if (texts.length >= count) break;
  }
  lines.close();
  return texts;
}

const vocabulary =
  "cell protein gene expression patients study risk cancer treatment effect increase blood mice clinical trial response receptor levels disease therapy tumor brain dose women infection".split(
    " ",
  );

function generatedText(seed: number, words: number): string {
  let state = seed * 2654435761;
  return Array.from({ length: words }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return vocabulary[state % vocabulary.length];
  }).join(" ");
}

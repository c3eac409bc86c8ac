import { ImageStore } from "@hybrid-rag/collection";
import { createFusion } from "@hybrid-rag/fusion";
import { buildReranker } from "@hybrid-rag/pipeline";
import { openQueryableCollection } from "./collection-model.ts";
import type { SearchFlags } from "./search-command.ts";

/** One search on the collection opened here, with its models (what `--no-server` asks for). */
export async function searchHere(directory: string, query: string, flags: SearchFlags) {
  const { spec } = flags.spec;
  // A reranker that looks at images reads the collection's stored ones from its image folder.
  const imageResolver = new ImageStore({ directory });
  const queryable = await openQueryableCollection(directory, flags.spec, async (spec) =>
    spec.reranker
      ? buildReranker(spec.reranker, {
          executionProvider: spec.executionProvider,
          options: { imageResolver },
        })
      : undefined,
  );
  try {
    const result = await queryable.collection.search(query, {
      topK: spec.topK?.final ?? 10,
      candidates: spec.topK?.retrieve ?? 100,
      ...(flags.keepDuplicates ? { keepDuplicates: true } : {}),
      fusion: createFusion(spec.fusion),
      ...(spec.pageImages ? { pageImages: spec.pageImages } : {}),
      ...(spec.maxPageImages ? { maxPageImages: spec.maxPageImages } : {}),
    });
    // Released by the caller once printed (--context still counts with the model's tokenizer).
    return {
      result,
      tokenCounter: queryable.tokenCounter,
      answeredBy: undefined,
      release: () => queryable.release(),
    };
  } catch (error) {
    await queryable.release();
    throw error;
  }
}

/**
 * The `dense_vector` rules Elasticsearch enforces in `DenseVectorFieldMapper` that its API types
 * do not carry, checked before anything is sent so a bad setting fails at configuration with
 * what to do, not as a 400 from the cluster at index creation. Sources (elastic/elasticsearch,
 * `server/src/main/java/org/elasticsearch/index/mapper/vectors/DenseVectorFieldMapper.java`):
 *
 * - `Int4HnswIndexOptions` / `Int4FlatIndexOptions.validateDimension`: "int4_hnsw only supports
 *   even dimensions; provided=…" — int4 packs two dimensions per byte.
 * - `BBQHnswIndexOptions` / `BBQFlatIndexOptions.validateDimension`: "bbq_hnsw does not support
 *   dimensions fewer than 64; provided=…" (`BBQ_MIN_DIMS = 64`).
 * - `parseConfidenceInterval` / the int8 and int4 options: `confidence_interval` must be 0
 *   (`DYNAMIC_CONFIDENCE_INTERVAL`: Elasticsearch picks it) or within [0.90, 1.0]
 *   (`MIN_CONFIDENCE_INTERVAL`, `MAX_CONFIDENCE_INTERVAL` of Lucene's scalar quantiser).
 * - Only the int8_* and int4_* parsers read `confidence_interval`; the others leave it in the
 *   map and `MappingParser.checkNoRemainingFields` refuses it ("Mapping definition for [...]
 *   has unsupported parameters: [confidence_interval : …]"), as it does `m` and
 *   `ef_construction` on the *_flat types.
 */
export interface DenseIndexSettings {
  readonly type: string;
  readonly confidence_interval?: number | undefined;
}

/** Elasticsearch's `BBQ_MIN_DIMS`. */
export const bbqMinDimensions = 64;
const minConfidenceInterval = 0.9;
const maxConfidenceInterval = 1;

/** What Elasticsearch would refuse in these index options for vectors of `dims`; empty if none. */
export function denseIndexProblems(indexOptions: DenseIndexSettings, dims: number): string[] {
  const { type, confidence_interval: confidence } = indexOptions;
  const problems: string[] = [];
  if (type.startsWith("int4_") && dims % 2 !== 0) {
    problems.push(
      `dense.indexOptions.type "${type}" needs an even number of dimensions (Elasticsearch packs two per byte), but the embedder has ${dims}: use "int8_${type.slice(5)}" or an embedder with even dimensions`,
    );
  }
  if (type.startsWith("bbq_") && dims < bbqMinDimensions) {
    problems.push(
      `dense.indexOptions.type "${type}" needs at least ${bbqMinDimensions} dimensions (Elasticsearch's BBQ_MIN_DIMS), but the embedder has ${dims}: use "int8_${type.slice(4)}" or "${type.slice(4)}"`,
    );
  }
  if (confidence !== undefined) {
    if (!type.startsWith("int8_") && !type.startsWith("int4_")) {
      problems.push(
        `dense.indexOptions.confidence_interval applies to the int8_* and int4_* types only (Elasticsearch refuses it on "${type}" as an unsupported parameter): remove it, or use "int8_hnsw"`,
      );
    } else if (
      confidence !== 0 &&
      (confidence < minConfidenceInterval || confidence > maxConfidenceInterval)
    ) {
      problems.push(
        `dense.indexOptions.confidence_interval is ${confidence}; Elasticsearch takes 0 (it chooses) or a value from ${minConfidenceInterval} to ${maxConfidenceInterval}`,
      );
    }
  }
  return problems;
}

// What Elasticsearch's DenseVectorFieldMapper refuses in a mapping beyond the API's types
// (../shared/specs/README.md), written here for the fake on its own, from the mapper's rules,
// not shared with the adapter's checks: a test of the adapter against its own code proves nothing.

const quantised = /^(int8|int4)_(hnsw|flat)$/;
/** The parameters each index type's parser reads; anything else is an unsupported parameter. */
const parametersByType: Readonly<Record<string, readonly string[]>> = {
  hnsw: ["type", "m", "ef_construction"],
  int8_hnsw: ["type", "m", "ef_construction", "confidence_interval"],
  int4_hnsw: ["type", "m", "ef_construction", "confidence_interval"],
  bbq_hnsw: ["type", "m", "ef_construction"],
  flat: ["type"],
  int8_flat: ["type", "confidence_interval"],
  int4_flat: ["type", "confidence_interval"],
  bbq_flat: ["type"],
};

/** Every dense_vector field of a mapping with what Elasticsearch would answer 400 for. */
export function denseVectorMappingProblems(mappings: unknown, path = ""): string[] {
  const properties = (mappings as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (typeof properties !== "object" || properties === null) return [];
  const problems: string[] = [];
  for (const [name, field] of Object.entries(properties)) {
    const fieldPath = `${path}${name}`;
    const mapping = field as {
      type?: string;
      dims?: number;
      index_options?: Record<string, unknown>;
    };
    if (mapping.type !== "dense_vector") {
      problems.push(...denseVectorMappingProblems(mapping, `${fieldPath}.`));
      continue;
    }
    const options = mapping.index_options;
    if (options === undefined) continue;
    const type = String(options.type);
    const allowed = parametersByType[type];
    if (allowed === undefined) continue; // the schema already refuses an unknown type
    const dims = mapping.dims;
    const leftover = Object.keys(options).filter((key) => !allowed.includes(key));
    if (leftover.length > 0) {
      problems.push(
        `Mapping definition for [${fieldPath}] has unsupported parameters: [${leftover.join(", ")}] for index_options type [${type}]`,
      );
    }
    if (type.startsWith("int4_") && dims !== undefined && dims % 2 !== 0) {
      problems.push(`${type} only supports even dimensions; provided=${dims}`);
    }
    if (type.startsWith("bbq_") && dims !== undefined && dims < 64) {
      problems.push(`${type} does not support dimensions fewer than 64; provided=${dims}`);
    }
    const confidence = options.confidence_interval;
    if (quantised.test(type) && typeof confidence === "number") {
      if (confidence !== 0 && (confidence < 0.9 || confidence > 1)) {
        problems.push(
          `confidence_interval must be between 0.90 and 1.0 or exactly 0; provided=${confidence}`,
        );
      }
    }
  }
  return problems;
}

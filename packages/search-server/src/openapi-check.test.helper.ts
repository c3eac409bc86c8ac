import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";

/**
 * Checks that the document is valid OpenAPI (@seriousme/openapi-schema-validator), then returns
 * a check that a response matches the document's schema for its path, method and status.
 */
export async function openApiResponseChecker(document: Record<string, unknown>) {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  expect(result.errors ?? [], "the OpenAPI document is valid").toEqual([]);
  expect(result.valid).toBe(true);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({
    $id: "openapi.json",
    components: (document as { components: unknown }).components,
  });
  const paths = document.paths as Record<
    string,
    Record<string, { responses: Record<string, unknown> }>
  >;
  return (method: string, path: string, status: number, contentType: string, body: unknown) => {
    const operation = paths[path]?.[method.toLowerCase()];
    expect(operation, `${method} ${path} is in the document`).toBeDefined();
    const response = operation!.responses[String(status)] as
      | { content?: Record<string, { schema: Record<string, unknown> }> }
      | undefined;
    expect(response, `${method} ${path} documents status ${status}`).toBeDefined();
    const mediaType = contentType.split(";")[0]!.trim();
    const media = response!.content?.[mediaType];
    expect(media, `${method} ${path} ${status} documents ${mediaType}`).toBeDefined();
    const schema = JSON.parse(
      JSON.stringify(media!.schema).replaceAll('"#/components/', '"openapi.json#/components/'),
    );
    const validate = ajv.compile(schema);
    const valid = validate(body);
    expect(validate.errors ?? [], `${method} ${path} ${status} matches the document`).toEqual([]);
    expect(valid).toBe(true);
  };
}

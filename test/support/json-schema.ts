// JSON Schema validation for tests: ajv in 2020-12 mode (the dialect of
// OpenAPI 3.1), strict so that an unknown keyword is an error, not ignored.
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

export type { ValidateFunction } from "ajv/dist/2020";

/** `allowUnionTypes`: zod writes `type: ["string", "number"]` for unions of primitives. */
export function newSchemaValidator(options: { allowUnionTypes?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, ...options });
  addFormats(ajv);
  return ajv;
}

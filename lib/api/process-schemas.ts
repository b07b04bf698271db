// Request and response schemas of the process API (PUT/GET /api/v1/processes).
// The definition itself is lib/domain/process-definition.ts's schema: the
// same one checks a PUT, the admin editor and the CLI, and documents them.
import { z } from "zod";
import { processDefinitionSchema, processNamePattern } from "@/lib/domain/process-definition";

export const processNameSchema = z
  .string()
  .regex(processNamePattern, "lower-case letters, digits, _ . and -, starting with a letter or digit (at most 64)")
  .describe("e.g. card-fraud");

export const processParamsSchema = z.object({ name: processNameSchema });

export const processQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(2_147_483_647).optional().describe("A stored version; the latest when absent."),
});

/** What a PUT sends: the definition document itself, e.g. genesys/processes/card-fraud.json. */
export const processDefinitionBodySchema = processDefinitionSchema.meta({
  id: "ProcessDefinition",
  description: "Ordered steps (task or wait); durations in seconds. Refused with every error listed in error.details ({path, code, message}).",
});

export const processVersionSchema = z
  .object({
    name: z.string(),
    version: z.int().describe("Versions count up from 1 and never change once stored."),
    step_count: z.int(),
    created_at: z.iso.datetime(),
    created_by: z.string(),
    definition: processDefinitionSchema.meta({ id: "StoredProcessDefinition", description: "The definition as stored, defaults filled in." }),
  })
  .meta({ id: "ProcessVersion" });
export type ProcessVersionView = z.infer<typeof processVersionSchema>;

export const processListSchema = z
  .object({
    processes: z.array(
      z.object({
        name: z.string(),
        latest_version: z.int(),
        step_count: z.int(),
        description: z.string().nullable(),
        updated_at: z.iso.datetime().describe("When the latest version was stored."),
      }),
    ),
  })
  .meta({ id: "ProcessList" });
export type ProcessListView = z.infer<typeof processListSchema>;

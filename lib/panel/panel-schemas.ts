// Request shapes of the panel's routes (kept beside the panel; the data-action
// schemas live in lib/api/schemas.ts).
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";

/** Workflows store the Genesys conversation id as given by the flow, which is a UUID. */
export const conversationParamsSchema = z.object({
  conversationId: z.uuid({ error: "conversationId must be the Genesys conversation id (a UUID)" }),
});

export const streamQuerySchema = z.object({
  /** Seconds before the server ends the stream (default 55; the client reconnects). Longer only where the host allows long requests. */
  lifetime: z.coerce.number().int().min(5).max(270).optional(),
});

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError("VALIDATION_FAILED", parsed.error.issues.map((i) => i.message).join("; "));
  }
  return parsed.data;
}

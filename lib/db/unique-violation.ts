// A unique-key violation, from a Prisma model call (P2002), from a raw
// statement (P2010, which carries the driver's own error), or from a statement
// sent straight through node-postgres (SQLSTATE 23505; lib/db/client.ts sqlNow).
import { Prisma } from "@/lib/generated/prisma/client";

export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Error && (error as { code?: unknown }).code === "23505" && "severity" in error) return true;
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: string } } | undefined)?.cause;
  return error.code === "P2010" && cause?.kind === "UniqueConstraintViolation";
}

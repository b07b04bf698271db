// The frame of the org:* and secret:* commands: the database is prepared
// (DATABASE_URL, or the embedded PostgreSQL started or joined — also while the
// app runs), an AppError is a one-line message and exit code 1 (not a stack
// trace), and the pool is closed so the process exits.
import { closeDb } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { AppError } from "@/lib/errors/app-error";

export async function runCommand(name: string, main: () => Promise<number>): Promise<void> {
  try {
    await prepareDatabase();
    process.exitCode = await main();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(`${name}: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await closeDb();
  }
}

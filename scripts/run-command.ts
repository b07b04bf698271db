// The frame of the org:* commands: an AppError is a one-line message and exit
// code 1 (not a stack trace), and the database is closed so the process exits
// and an embedded folder is released.
import { closeDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";

export async function runCommand(name: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(`${name}: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await closeDb();
  }
}

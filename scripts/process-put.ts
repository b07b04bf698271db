// npm run process:put -- --org-id <uuid> --file genesys/processes/card-fraud.json [--name card-fraud]
// Stores the file's definition as the process's next version (the name defaults
// to the file's name); an invalid definition prints every error and stores nothing.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { runCommand } from "./run-command";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { putProcess } from "@/lib/processes/process-store";

const usage = "usage: npm run process:put -- --org-id <uuid> --file <definition.json> [--name <process name>]";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { "org-id": { type: "string" }, file: { type: "string" }, name: { type: "string" } } });
  const orgId = z.uuid().safeParse(values["org-id"]);
  if (!orgId.success || !values.file) {
    console.error(`process:put: ${!orgId.success ? "--org-id must be the Genesys organization id (a UUID)" : "--file is required"}`);
    console.error(usage);
    return 2;
  }
  const name = values.name ?? path.basename(values.file).replace(/\.json$/i, "");
  let document: unknown;
  try {
    document = JSON.parse(await readFile(values.file, "utf8"));
  } catch (error) {
    console.error(`process:put: cannot read ${values.file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const prisma = await db();
  if (!(await prisma.org.findUnique({ where: { id: orgId.data }, select: { id: true } }))) {
    console.error(`process:put: org ${orgId.data} is not registered; run npm run org:create first`);
    return 1;
  }
  try {
    const { created, process } = await putProcess(orgId.data, name, document, "cli");
    console.log(
      created
        ? `Stored process ${process.name} version ${process.version} (${process.stepCount} steps).`
        : `Process ${process.name} is unchanged: version ${process.version} has this very definition.`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof AppError) || !Array.isArray(error.details)) throw error;
    console.error(`process:put: ${values.file} is not a valid process definition; nothing was stored:`);
    for (const detail of error.details as Array<{ path: string; code?: string; message: string }>) {
      console.error(`  ${detail.path}: ${detail.message}${detail.code ? ` [${detail.code}]` : ""}`);
    }
    return 1;
  }
}

await runCommand("process:put", main);

// npm run org:configure -- --org-id <uuid> [--orchestrator-url <url>]
//   [--genesys-client-id <id> --genesys-client-secret-stdin] [--settings-file <settings.json>]
// Sets what escalations need until the admin wizard does it: the Platform API
// client credentials (the secret is read from stdin, never from the command
// line) and the org settings (lib/orgs/org-settings.ts). Prints the warnings.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { AppError } from "@/lib/errors/app-error";
import { runCommand } from "./run-command";
import { configureOrg, orgConfigurationSchema } from "@/lib/orgs/org-configuration";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

async function readSettingsFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as unknown;
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", `cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "org-id": { type: "string" },
      "orchestrator-url": { type: "string" },
      "genesys-client-id": { type: "string" },
      "genesys-client-secret-stdin": { type: "boolean" },
      "settings-file": { type: "string" },
    },
  });
  const orgId = values["org-id"];
  if (!orgId) {
    console.error("usage: npm run org:configure -- --org-id <uuid> [--orchestrator-url <url>] [--genesys-client-id <id> --genesys-client-secret-stdin] [--settings-file <file.json>]");
    return 2;
  }
  const parsed = orgConfigurationSchema.safeParse({
    orchestratorUrl: values["orchestrator-url"],
    genesysClientId: values["genesys-client-id"],
    genesysClientSecret: values["genesys-client-secret-stdin"] ? await readStdin() : undefined,
    settings: values["settings-file"] ? await readSettingsFile(values["settings-file"]) : undefined,
  });
  if (!parsed.success) {
    console.error(`org:configure: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ")}`);
    return 2;
  }
  const { settings, warnings } = await configureOrg(orgId, parsed.data, "cli");
  console.log(JSON.stringify({ settings }, null, 2));
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  return 0;
}

await runCommand("org:configure", main);

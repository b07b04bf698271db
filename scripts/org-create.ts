// npm run org:create -- --org-id <uuid> --region mypurecloud.com [--name "Acme"] [--orchestrator-url https://…] [--scopes workflows:read,workflows:write]
// Prints the data-action client credentials and the webhook signing secret once.
import { parseArgs } from "node:util";
import { runCommand } from "./run-command";
import { createOrg, createOrgInputSchema } from "@/lib/orgs/create-org";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { "org-id": { type: "string" }, region: { type: "string" }, name: { type: "string" }, "orchestrator-url": { type: "string" }, scopes: { type: "string" } },
  });
  const parsed = createOrgInputSchema.safeParse({
    orgId: values["org-id"], region: values.region, name: values.name, orchestratorUrl: values["orchestrator-url"],
    scopes: values.scopes?.split(",").map((s) => s.trim()).filter(Boolean),
  });
  if (!parsed.success) {
    console.error(`org:create: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    console.error("usage: npm run org:create -- --org-id <uuid> --region mypurecloud.com [--name <name>] [--orchestrator-url <url>] [--scopes <scope,scope>] (every scope by default)");
    return 2;
  }
  const org = await createOrg(parsed.data);
  console.log(`Registered org ${org.orgId} (${org.region}).

Shown once; store them now. Longrun keeps only a hash or an encrypted copy.

  Data-action client id:     ${org.clientId}
  Data-action client secret: ${org.clientSecret}
  Webhook signing secret:    ${org.signingSecret}

Use the client id/secret in the Genesys "User Defined (OAuth)" credentials of the
Web Services Data Actions integration; give the signing secret to the systems that
post callbacks (Standard Webhooks).`);
  return 0;
}

await runCommand("org:create", main);

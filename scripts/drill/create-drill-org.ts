// The crash drill's org, made by the same code as `npm run org:create`, on the
// drill's database (DATABASE_URL); prints its credentials as one JSON line for
// the drill (scripts/drill/crash-drill.ts), which runs this as a child process.
import { randomUUID } from "node:crypto";
import { createOrg } from "@/lib/orgs/create-org";
import { runCommand } from "../run-command";

await runCommand("drill", async () => {
  const org = await createOrg({ orgId: randomUUID(), region: "mypurecloud.com", name: "Crash drill", orchestratorUrl: process.argv[2] });
  console.log(JSON.stringify({ orgId: org.orgId, clientId: org.clientId, clientSecret: org.clientSecret, signingSecret: org.signingSecret }));
  return 0;
});

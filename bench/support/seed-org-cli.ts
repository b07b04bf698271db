// Child process of seedOrg(): registers one org with createOrg on
// DATABASE_URL, closes the database and prints the credentials as JSON on
// stdout (read by the bench only; never logged).
import { randomUUID } from "node:crypto";
import { closeDb } from "@/lib/db/client";
import { createOrg } from "@/lib/orgs/create-org";

const org = await createOrg({ orgId: randomUUID(), region: "mypurecloud.com", name: "Longrun bench" });
await closeDb();
// Exit once the line is out: nothing else is left to do.
process.stdout.write(JSON.stringify(org), () => process.exit(0));

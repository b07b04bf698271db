// Signing-secret rotation, revocation and listing, encryption-key re-sealing,
// and the per-org source allowlist:
//   npm run secret:list   -- --org-id <uuid>
//   npm run secret:rotate -- --org-id <uuid>
//   npm run secret:revoke -- --org-id <uuid> --id <secret id> [--force]
//   npm run secret:reseal
//   npm run org:source-cidrs -- --org-id <uuid> [--set "203.0.113.0/24,2001:db8::/32" | --clear]
// Every change is written to the audit log (AuditEntry) with the operator's name.
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { closeDb, db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { AppError } from "@/lib/errors/app-error";
import { setSourceCidrs } from "@/lib/security/source-allowlist";
import { listSigningSecrets, resealSecrets, revokeSigningSecret, rotateSigningSecret } from "@/lib/webhooks/signing-secrets";

const usage = `usage:
  npm run secret:list   -- --org-id <uuid>
  npm run secret:rotate -- --org-id <uuid>
  npm run secret:revoke -- --org-id <uuid> --id <secret id> [--force]
  npm run secret:reseal
  npm run org:source-cidrs -- --org-id <uuid> [--set "<cidr>,<cidr>" | --clear]`;

function operator(): string {
  let name = "unknown";
  try {
    name = userInfo().username;
  } catch {
    // containers without a passwd entry
  }
  return `cli:${process.env.LONGRUN_OPERATOR ?? name}`;
}

export async function run(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const [command, ...rest] = argv;
  let values: { "org-id"?: string; id?: string; force?: boolean; set?: string; clear?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { "org-id": { type: "string" }, id: { type: "string" }, force: { type: "boolean" }, set: { type: "string" }, clear: { type: "boolean" } },
    }));
  } catch (error) {
    err(`org-secrets: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  const orgId = values["org-id"];
  const needOrg = (): string => {
    if (!orgId) throw new AppError("BAD_REQUEST", "--org-id is required");
    return orgId;
  };
  try {
    switch (command) {
      case "list": {
        const id = needOrg();
        const secrets = await listSigningSecrets(id);
        if (secrets.length === 0) throw new AppError("NOT_FOUND", `org ${id} has no signing secrets (is it registered?)`);
        out(`Signing secrets of org ${id} (the secrets themselves are never shown again):`);
        for (const s of secrets) {
          out(`  ${s.id}  created ${s.createdAt.toISOString()}  ${s.revokedAt ? `revoked ${s.revokedAt.toISOString()}` : "ACTIVE"}  key ${s.keyId ?? "?"}`);
        }
        const org = await (await db()).org.findUnique({ where: { id }, select: { sourceCidrs: true } });
        out(`Source allowlist: ${org && org.sourceCidrs.length > 0 ? org.sourceCidrs.join(", ") : "(none: signature only)"}`);
        return 0;
      }
      case "rotate": {
        const rotated = await rotateSigningSecret(needOrg(), operator());
        out(`New signing secret ${rotated.id} for org ${orgId}. Shown once; store it now:

  ${rotated.secret}

Still active (overlap): ${rotated.stillActive.length > 0 ? rotated.stillActive.join(", ") : "(none)"}.
Callbacks signed with any active secret are accepted, and Longrun signs task
dispatches with all of them. Once every sender uses the new secret, revoke the old:

  npm run secret:revoke -- --org-id ${orgId} --id <old secret id>`);
        return 0;
      }
      case "revoke": {
        if (!values.id) throw new AppError("BAD_REQUEST", "--id is required (see npm run secret:list)");
        await revokeSigningSecret(needOrg(), values.id, { actor: operator(), allowNone: values.force === true });
        out(`Revoked signing secret ${values.id} of org ${orgId}; signatures made with it are refused from now on.`);
        return 0;
      }
      case "reseal": {
        const { signingSecrets, genesysSecrets } = await resealSecrets(operator());
        out(`Re-sealed ${signingSecrets} signing secret(s) and ${genesysSecrets} Genesys client secret(s) with the current ENCRYPTION_KEY.
Every secret now opens with ENCRYPTION_KEY alone; ENCRYPTION_KEYS_OLD can be removed.`);
        return 0;
      }
      case "source-cidrs": {
        const id = needOrg();
        if (values.set === undefined && !values.clear) throw new AppError("BAD_REQUEST", "give --set \"<cidr>,<cidr>\" or --clear");
        const list = values.clear ? [] : values.set!.split(/[\s,]+/).filter(Boolean);
        const saved = await setSourceCidrs(id, list, operator());
        out(saved.length > 0 ? `Callbacks and heartbeats for org ${id} are now accepted only from: ${saved.join(", ")}` : `Source allowlist of org ${id} cleared: signature only.`);
        return 0;
      }
      default:
        err(usage);
        return 2;
    }
  } catch (error) {
    if (error instanceof AppError) {
      err(`org-secrets: ${error.message}`);
      return error.code === "BAD_REQUEST" ? 2 : 1;
    }
    throw error;
  }
}

// Only when run as a script: tests import run().
if (process.argv[1] && /org-secrets\.ts$/.test(process.argv[1])) {
  try {
    // DATABASE_URL, or the embedded PostgreSQL started or joined (also beside a running app).
    await prepareDatabase();
    process.exitCode = await run(process.argv.slice(2));
  } finally {
    await closeDb();
  }
}

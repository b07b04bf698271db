// Registers an org: its row, a data-action client and a first signing secret.
// The secrets are returned once and stored only hashed or sealed.
import { db, transactionOptions } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { createApiClient } from "@/lib/auth/client-credentials";
import { addSigningSecret } from "@/lib/webhooks/signing-secrets";
import { isUniqueViolation } from "@/lib/db/unique-violation";
import { scopes } from "@/lib/auth/scopes";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { z } from "zod";

export const genesysRegions = [
  "mypurecloud.com", "mypurecloud.ie", "mypurecloud.com.au", "mypurecloud.jp", "mypurecloud.de",
  "usw2.pure.cloud", "cac1.pure.cloud", "euc2.pure.cloud", "apse1.pure.cloud", "apne2.pure.cloud",
  "euw2.pure.cloud", "aps1.pure.cloud", "use2.us-gov-pure.cloud", "sae1.pure.cloud", "mec1.pure.cloud",
  "apne3.pure.cloud", "mxc1.pure.cloud", "edee1.eusc-pure.cloud",
] as const;

export const createOrgInputSchema = z.object({
  orgId: z.uuid({ error: "--org-id must be the Genesys organization id (a UUID)" }),
  region: z.enum(genesysRegions, { error: `--region must be one of: ${genesysRegions.join(", ")}` }),
  name: z.string().min(1).max(200).optional(),
  orchestratorUrl: z.url().optional(),
  /** The data-action client's scopes; every scope when absent. */
  scopes: z.array(z.enum(scopes, { error: `--scopes takes a comma-separated list of: ${scopes.join(", ")}` })).min(1).optional(),
});
export type CreateOrgInput = z.infer<typeof createOrgInputSchema>;

export interface CreatedOrg {
  orgId: string;
  region: string;
  clientId: string;
  clientSecret: string;
  signingSecret: string;
}

export async function createOrg(input: CreateOrgInput, settings: Partial<OrgSettings> = {}): Promise<CreatedOrg> {
  const prisma = await db();
  try {
    await prisma.$transaction(async (tx) => {
      await tx.org.create({
        data: { id: input.orgId, region: input.region, name: input.name ?? null, orchestratorUrl: input.orchestratorUrl ?? null, settings },
      });
    }, transactionOptions);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `org ${input.orgId} is already registered`);
    throw error;
  }
  const client = await createApiClient(input.orgId, "Architect data actions", input.scopes);
  const signing = await addSigningSecret(input.orgId);
  return { orgId: input.orgId, region: input.region, clientId: client.clientId, clientSecret: client.clientSecret, signingSecret: signing.secret };
}

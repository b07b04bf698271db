// Changes to an org's configuration: Genesys credentials (sealed), settings
// (validated), orchestrator URL. Every change is audited: who, what, when.
import { z } from "zod";
import { clock } from "@/lib/clock";
import { seal } from "@/lib/crypto/secret-box";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import type { Prisma } from "@/lib/generated/prisma/client";
import { forgetGenesysClient } from "@/lib/genesys/genesys-client";
import { orgSettingsSchema, settingsWarnings, type OrgSettings } from "@/lib/orgs/org-settings";

export const orgConfigurationSchema = z.strictObject({
  orchestratorUrl: z.url({ protocol: /^https?$/ }).nullable().optional(),
  genesysClientId: z.string().min(1).max(200).optional(),
  genesysClientSecret: z.string().min(1).max(500).optional(),
  settings: orgSettingsSchema.optional(),
});
export type OrgConfiguration = z.infer<typeof orgConfigurationSchema>;

export async function configureOrg(orgId: string, change: OrgConfiguration, actor: string): Promise<{ settings: OrgSettings; warnings: string[] }> {
  const prisma = await db();
  if ((change.genesysClientId === undefined) !== (change.genesysClientSecret === undefined)) {
    throw new AppError("VALIDATION_FAILED", "set the Genesys client id and secret together");
  }
  const org = await prisma.org.findUnique({ where: { id: orgId } });
  if (!org) throw new AppError("NOT_FOUND", "org not found");
  const data: Prisma.OrgUpdateInput = {};
  if (change.orchestratorUrl !== undefined) data.orchestratorUrl = change.orchestratorUrl;
  if (change.genesysClientId !== undefined && change.genesysClientSecret !== undefined) {
    data.genesysClientId = change.genesysClientId;
    data.genesysClientSecretEnc = seal(change.genesysClientSecret);
  }
  if (change.settings) data.settings = change.settings;
  await prisma.$transaction([
    prisma.org.update({ where: { id: orgId }, data }),
    prisma.auditEntry.create({
      data: {
        orgId,
        actor,
        action: "org.configured",
        createdAt: clock.now(),
        // The secret itself is never audited, only that it changed.
        data: {
          ...(change.orchestratorUrl !== undefined ? { orchestratorUrl: change.orchestratorUrl } : {}),
          ...(change.genesysClientId !== undefined ? { genesysClientId: change.genesysClientId, genesysClientSecret: "changed" } : {}),
          ...(change.settings ? { settings: change.settings } : {}),
        },
      },
    }),
  ]);
  if (change.genesysClientId !== undefined) forgetGenesysClient(orgId);
  const settings = change.settings ?? orgSettingsSchema.parse(org.settings ?? {});
  return { settings, warnings: settingsWarnings(settings) };
}

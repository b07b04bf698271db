// The settings page's one write: orchestrator URL, settings (task types,
// timeouts, flows, queues, session limit) and the source allowlist, validated
// together before anything is written, each change audited.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { configureOrg } from "@/lib/orgs/org-configuration";
import { orgSettingsSchema, readOrgSettings, settingsWarnings, type OrgSettings } from "@/lib/orgs/org-settings";
import { parseCidrList } from "@/lib/security/ip-cidr";
import { maxSourceCidrs, setSourceCidrs } from "@/lib/security/source-allowlist";
import { listSigningSecrets, type SigningSecretInfo } from "@/lib/webhooks/signing-secrets";

export const adminSettingsBodySchema = z.strictObject({
  orchestratorUrl: z.preprocess((v) => (v === "" ? null : v), z.url({ protocol: /^https?$/, error: "orchestratorUrl must be an http(s) URL" }).nullable()),
  settings: orgSettingsSchema,
  sourceCidrs: z.array(z.string().trim().min(1).max(64)).max(maxSourceCidrs),
});
export type AdminSettingsBody = z.infer<typeof adminSettingsBodySchema>;

export interface AdminSettingsView {
  orchestratorUrl: string | null;
  settings: OrgSettings;
  sourceCidrs: string[];
  warnings: string[];
  signingSecrets: SigningSecretInfo[];
  genesysClientId: string | null;
}

export async function readAdminSettings(orgId: string): Promise<AdminSettingsView> {
  const prisma = await db();
  const org = await prisma.org.findUnique({ where: { id: orgId } });
  if (!org) throw new AppError("NOT_FOUND", "org not found");
  const settings = readOrgSettings(org.settings);
  return {
    orchestratorUrl: org.orchestratorUrl,
    settings,
    sourceCidrs: org.sourceCidrs,
    warnings: settingsWarnings(settings),
    signingSecrets: await listSigningSecrets(orgId),
    genesysClientId: org.genesysClientId,
  };
}

export async function updateAdminSettings(orgId: string, body: AdminSettingsBody, actor: string): Promise<AdminSettingsView> {
  // Validate the allowlist before the first write, so a bad CIDR changes nothing at all.
  try {
    parseCidrList(body.sourceCidrs, "source allowlist");
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", (error as Error).message);
  }
  const prisma = await db();
  const before = await prisma.org.findUnique({ where: { id: orgId } });
  if (!before) throw new AppError("NOT_FOUND", "org not found");
  const settingsChanged = JSON.stringify(readOrgSettings(before.settings)) !== JSON.stringify(body.settings) || before.orchestratorUrl !== body.orchestratorUrl;
  if (settingsChanged) await configureOrg(orgId, { orchestratorUrl: body.orchestratorUrl, settings: body.settings }, actor);
  if (JSON.stringify(before.sourceCidrs) !== JSON.stringify(body.sourceCidrs)) await setSourceCidrs(orgId, body.sourceCidrs, actor);
  return readAdminSettings(orgId);
}

export async function auditLog(orgId: string, options: { before?: string; limit: number; action?: string; actor?: string }) {
  const prisma = await db();
  const before = options.before && /^\d{1,19}$/.test(options.before) ? BigInt(options.before) : undefined;
  const rows = await prisma.auditEntry.findMany({
    where: {
      orgId,
      ...(before ? { id: { lt: before } } : {}),
      // The admin console's filters: one action, and who (any part of the actor, any case).
      ...(options.action ? { action: options.action } : {}),
      ...(options.actor ? { actor: { contains: options.actor, mode: "insensitive" as const } } : {}),
    },
    orderBy: { id: "desc" },
    take: options.limit + 1,
  });
  const page = rows.slice(0, options.limit);
  return {
    entries: page.map((r) => ({ id: r.id.toString(), actor: r.actor, action: r.action, data: r.data, createdAt: r.createdAt.toISOString() })),
    nextBefore: rows.length > options.limit ? page[page.length - 1]!.id.toString() : null,
  };
}

// The org's display names for its task types, in the admin's language, for
// the admin console's lists (workflows, history, dead letters, SLA).
import "server-only";
import { db } from "@/lib/db/client";
import type { AppLocale } from "@/lib/i18n/locales";
import { readOrgSettings, taskTypeDisplayNames } from "@/lib/orgs/org-settings";
import { taskTypeNamesIn, type TaskTypeNames } from "@/lib/panel/status-words";

export async function orgTaskTypeNames(orgId: string, locale: AppLocale): Promise<TaskTypeNames> {
  const prisma = await db();
  const org = await prisma.org.findUnique({ where: { id: orgId }, select: { settings: true } });
  return taskTypeNamesIn(taskTypeDisplayNames(readOrgSettings(org?.settings)), locale);
}

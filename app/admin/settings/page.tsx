import { requireAdmin } from "@/lib/auth/admin-session";
import { readAdminSettings } from "@/lib/admin/admin-settings";
import { AdminShell } from "@/app/admin/admin-shell";
import { SettingsForm } from "@/app/admin/settings/settings-form";
import { SigningSecrets } from "@/app/admin/settings/signing-secrets";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const session = await requireAdmin();
  const view = await readAdminSettings(session.orgId);
  return (
    <AdminShell session={session} active="settings">
      <h1>Settings</h1>
      <p className="muted">
        Platform API client: <code>{view.genesysClientId ?? "not set — run the install wizard"}</code>. Every change is recorded in the audit log.
      </p>
      <SettingsForm
        initial={{ orchestratorUrl: view.orchestratorUrl, settings: view.settings, sourceCidrs: view.sourceCidrs, warnings: view.warnings }}
      />
      <SigningSecrets initial={view.signingSecrets.map((s) => ({ id: s.id, createdAt: s.createdAt.toISOString(), revokedAt: s.revokedAt?.toISOString() ?? null }))} />
    </AdminShell>
  );
}

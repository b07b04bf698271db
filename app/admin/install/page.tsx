import { requireAdmin } from "@/lib/auth/admin-session";
import { installPermissions, installState, installSteps, stepTitles, widgetUrl } from "@/lib/genesys/install-steps";
import { env } from "@/lib/env";
import { AdminShell } from "@/app/admin/admin-shell";
import { InstallWizard } from "@/app/admin/install/install-wizard";

export const dynamic = "force-dynamic";

export default async function InstallPage() {
  const session = await requireAdmin({ allowUninstalled: true });
  const state = await installState(session.orgId);
  const steps = installSteps.map((step) => ({ step, title: stepTitles[step], result: state[step] ?? null }));
  return (
    <AdminShell session={session} active="install">
      <h1>Install Longrun</h1>
      <p>
        Each step creates what Longrun needs in <strong>{session.orgName ?? session.orgId}</strong> with your Genesys permissions — or finds it again by
        name, so running the wizard again creates nothing twice. A failed step can be retried on its own.
      </p>
      <p className="muted">
        Needs: {installPermissions.join(", ")}. The widget will open <code>{widgetUrl(env().PUBLIC_BASE_URL ?? "<this address>")}</code>.
      </p>
      {!session.canInstall && <p className="error">Your role lacks some of the install permissions above; ask an administrator who holds them to run the wizard.</p>}
      <InstallWizard initial={steps} installed={session.installed} confirmName={session.orgName ?? session.orgId} />
    </AdminShell>
  );
}

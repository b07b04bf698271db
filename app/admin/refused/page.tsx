import { adminPermission } from "@/lib/auth/admin-permissions";
import { appFoundry } from "@/lib/genesys/app-foundry";
import { installPermissions } from "@/lib/genesys/install-steps";

export const dynamic = "force-dynamic";

const reasons: Record<string, { title: string; body: string }> = {
  not_admin: { title: "You are not a Longrun admin", body: `Longrun's admin pages need the Genesys Cloud permission ${adminPermission}. Ask your Genesys administrator for a role that holds it, then sign in again.` },
  not_installed: {
    title: "Longrun is not installed for your organization",
    body: `An administrator holding the install permissions (${installPermissions.join(", ")}) must install Longrun first (from AppFoundry, or by signing in here).`,
  },
  no_app_permission: {
    title: "You do not have Longrun's permission",
    body: `Your organization uses Longrun from AppFoundry, whose pages need the permission ${appFoundry().viewPermission}. Ask your Genesys administrator for a role that holds it, then sign in again.`,
  },
  no_organization: { title: "No Genesys organization", body: "Genesys Cloud did not say which organization you belong to." },
  OAuthCallback: { title: "Sign-in failed", body: "Genesys Cloud did not complete the sign-in (the login was cancelled, or the code could not be exchanged). Try again." },
  OAuthSignin: { title: "Sign-in failed", body: "The sign-in with Genesys Cloud could not be started. Check the admin OAuth client settings." },
  AccessDenied: { title: "Access denied", body: "Genesys Cloud refused the sign-in." },
};

export default async function RefusedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const key = String(query.reason ?? query.error ?? "");
  const reason = reasons[key] ?? { title: "You cannot use Longrun's admin pages", body: "The sign-in was refused." };
  return (
    <main className="admin center">
      <h1 data-testid="refusal-title">{reason.title}</h1>
      <p className="error">{reason.body}</p>
      <p>
        <a href="/admin/sign-in">Sign in with another account</a>
      </p>
    </main>
  );
}

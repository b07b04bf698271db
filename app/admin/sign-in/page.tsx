import { adminSignInConfigured } from "@/lib/auth/admin-auth-options";
import { adminPermission } from "@/lib/auth/admin-permissions";
import { genesysRegions } from "@/lib/orgs/create-org";
import { regionFromDesktop } from "@/lib/panel/genesys-region";
import { SignInForm } from "@/app/admin/sign-in/sign-in-form";

export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const query = await searchParams;
  // Opened from AppFoundry / the Genesys admin UI: the launch parameters name the region.
  const launched = regionFromDesktop(one(query.gcHostOrigin), one(query.gcTargetEnv));
  return (
    <main className="admin center">
      <h1>Longrun admin</h1>
      <p>Sign in with your Genesys Cloud account. You need the <code>{adminPermission}</code> permission; installing Longrun into an organization also needs the permissions listed on the install page.</p>
      {adminSignInConfigured() ? (
        <SignInForm regions={[...genesysRegions]} initialRegion={launched ?? "mypurecloud.com"} autoStart={launched !== null} />
      ) : (
        <p className="error">Admin sign-in is not configured: set GENESYS_ADMIN_CLIENT_ID and GENESYS_ADMIN_CLIENT_SECRET (an authorization-code OAuth client in your Genesys org).</p>
      )}
    </main>
  );
}

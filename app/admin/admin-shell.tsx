import type { ReactNode } from "react";
import type { AdminSession } from "@/lib/auth/admin-session";
import { SignOutButton } from "@/app/admin/sign-out-button";
import { countOpenNotices } from "@/lib/notices/customer-notices";

const sections = [
  { key: "dashboard", href: "/admin", label: "Workflows" },
  { key: "processes", href: "/admin/processes", label: "Processes" },
  { key: "sla", href: "/admin/sla", label: "SLA" },
  { key: "notices", href: "/admin/notices", label: "Open notices" },
  { key: "dead-letters", href: "/admin/dead-letters", label: "Dead letters" },
  { key: "settings", href: "/admin/settings", label: "Settings" },
  { key: "audit", href: "/admin/audit", label: "Audit log" },
  { key: "install", href: "/admin/install", label: "Install" },
] as const;

export async function AdminShell({ session, active, children }: { session: AdminSession; active: (typeof sections)[number]["key"]; children: ReactNode }) {
  const visible = session.installed ? sections : sections.filter((s) => s.key === "install");
  // Customers nobody has told yet: on every admin page, so no supervisor misses one.
  const openNotices = session.installed ? await countOpenNotices(session.orgId) : 0;
  return (
    <>
      <header className="admin-header">
        <strong>Longrun admin</strong>
        <nav aria-label="Admin sections">
          {visible.map((s) => (
            <a key={s.key} href={s.href} aria-current={s.key === active ? "page" : undefined}>
              {s.label}
              {s.key === "notices" && openNotices > 0 ? (
                <span className="badge count" data-testid="open-notices-count" aria-label={`${openNotices} open`}>
                  {openNotices}
                </span>
              ) : null}
            </a>
          ))}
        </nav>
        <span className="who">
          <span data-testid="admin-who">
            {session.name} · {session.orgName ?? session.orgId} · {session.region}
          </span>
          <SignOutButton />
        </span>
      </header>
      <main className="admin">{children}</main>
    </>
  );
}

import type { ReactNode } from "react";
import type { AdminSession } from "@/lib/auth/admin-session";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { countOpenNotices } from "@/lib/notices/customer-notices";
import { SignOutButton } from "@/app/admin/sign-out-button";
import { ZoneHint } from "@/app/admin/local-time";

const sections = [
  { key: "dashboard", href: "/admin", label: "admin.navWorkflows" },
  { key: "processes", href: "/admin/processes", label: "admin.navProcesses" },
  { key: "sla", href: "/admin/sla", label: "admin.navSla" },
  { key: "notices", href: "/admin/notices", label: "admin.navNotices" },
  { key: "dead-letters", href: "/admin/dead-letters", label: "admin.navDeadLetters" },
  { key: "settings", href: "/admin/settings", label: "admin.navSettings" },
  { key: "audit", href: "/admin/audit", label: "admin.navAudit" },
  { key: "install", href: "/admin/install", label: "admin.navInstall" },
] as const;

/** Every admin page: the sections in the admin's language, who is signed in, and the time-zone hint. */
export async function AdminShell({ session, active, children }: { session: AdminSession; active: (typeof sections)[number]["key"] | null; children: ReactNode }) {
  const { speech, t } = await requestSpeech();
  const visible = session.installed ? sections : sections.filter((s) => s.key === "install");
  // Customers nobody has told yet: on every admin page, so no supervisor misses one.
  const openNotices = session.installed ? await countOpenNotices(session.orgId) : 0;
  return (
    <div lang={speech.locale}>
      <header className="admin-header">
        <strong>{t("admin.title")}</strong>
        <nav aria-label={t("admin.sections")}>
          {visible.map((s) => (
            <a key={s.key} href={s.href} aria-current={s.key === active ? "page" : undefined}>
              {t(s.label)}
              {s.key === "notices" && openNotices > 0 ? (
                <span className="badge count" data-testid="open-notices-count" aria-label={t("admin.openCount", { count: openNotices })}>
                  {openNotices}
                </span>
              ) : null}
            </a>
          ))}
        </nav>
        <span className="who">
          <span data-testid="admin-who">{t("admin.who", { name: session.name, org: session.orgName ?? session.orgId, region: session.region })}</span>
          <SignOutButton label={t("admin.signOut")} />
        </span>
      </header>
      <main className="admin">
        {children}
        <ZoneHint template={t("admin.timeHint", { zone: "\u0000" })} />
      </main>
    </div>
  );
}

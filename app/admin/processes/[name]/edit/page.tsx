import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/admin-session";
import { processNamePattern } from "@/lib/domain/process-definition";
import { AppError } from "@/lib/errors/app-error";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { getProcess } from "@/lib/processes/process-store";
import { AdminShell } from "@/app/admin/admin-shell";
import { ProcessEditor } from "@/app/admin/processes/[name]/edit/process-editor";
import "../../processes.css";

export const dynamic = "force-dynamic";

export default async function EditProcessPage({ params }: { params: Promise<{ name: string }> }) {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const { name } = await params;
  if (!processNamePattern.test(name)) notFound();
  const latest = await getProcess(session.orgId, name).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") return null;
    throw error;
  });
  /** What a new process starts from: one task, to be replaced; its description in the admin's language. */
  const template = {
    description: t("processes.templateDescription"),
    steps: [{ name: "first", kind: "task", task_type: "FRAUD_VERIFICATION", input: { amount: "$.context.amount" }, timeout: 600, on_success: "end" }],
  };
  return (
    <AdminShell session={session} active="processes">
      <p>
        <a href={latest ? `/admin/processes/${name}` : "/admin/processes"}>{t("processes.back", { name: latest ? name : t("admin.navProcesses") })}</a>
      </p>
      <h1>{latest ? t("processes.editTitle", { name }) : t("processes.newTitle", { name })}</h1>
      <p className="muted">{t("processes.editIntro", { version: latest ? latest.version + 1 : 1 })}</p>
      <ProcessEditor name={name} initial={JSON.stringify(latest?.definition ?? template, null, 2)} speech={{ locale: speech.locale, formatLocale: speech.formatLocale }} />
    </AdminShell>
  );
}

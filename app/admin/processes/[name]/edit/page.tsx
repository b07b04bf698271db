import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/admin-session";
import { processNamePattern } from "@/lib/domain/process-definition";
import { AppError } from "@/lib/errors/app-error";
import { getProcess } from "@/lib/processes/process-store";
import { AdminShell } from "@/app/admin/admin-shell";
import { ProcessEditor } from "@/app/admin/processes/[name]/edit/process-editor";
import "../../processes.css";

export const dynamic = "force-dynamic";

/** What a new process starts from: one task, to be replaced. */
const template = {
  description: "What this process is for",
  steps: [{ name: "first", kind: "task", task_type: "FRAUD_VERIFICATION", input: { amount: "$.context.amount" }, timeout: 600, on_success: "end" }],
};

export default async function EditProcessPage({ params }: { params: Promise<{ name: string }> }) {
  const session = await requireAdmin();
  const { name } = await params;
  if (!processNamePattern.test(name)) notFound();
  const latest = await getProcess(session.orgId, name).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") return null;
    throw error;
  });
  return (
    <AdminShell session={session} active="processes">
      <p>
        <a href={latest ? `/admin/processes/${name}` : "/admin/processes"}>← {latest ? name : "Processes"}</a>
      </p>
      <h1>
        {latest ? "Edit" : "New process"} {name}
      </h1>
      <p className="muted">
        Saving stores version {latest ? latest.version + 1 : 1}; workflows already running keep the version they started with. Durations are in seconds. The
        same checks run here as you type and again on the server.
      </p>
      <ProcessEditor name={name} initial={JSON.stringify(latest?.definition ?? template, null, 2)} />
    </AdminShell>
  );
}

import { adminRoute, installContextFor } from "@/lib/auth/admin-route";
import { AppError } from "@/lib/errors/app-error";
import { json, routeMethods } from "@/lib/http/api-route";
import { isInstallStep, runInstallStep } from "@/lib/genesys/install-steps";

/** Runs (or re-runs) one install step; a failure is answered 200 with status "failed" and can be retried alone. */
const post = adminRoute<{ step: string }>(async (ctx) => {
  if (!isInstallStep(ctx.params.step)) throw new AppError("NOT_FOUND", `no install step "${ctx.params.step}"`);
  if (!ctx.admin.canInstall) throw new AppError("FORBIDDEN", "installing needs the integration, role and OAuth client permissions (see the README)");
  const result = await runInstallStep(ctx.params.step, installContextFor(ctx));
  return json(result);
}, { allowUninstalled: true });

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });

import { adminUninstallBodySchema } from "@/lib/api/schemas";
import { adminRoute, installContextFor } from "@/lib/auth/admin-route";
import { AppError } from "@/lib/errors/app-error";
import { json, routeMethods } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/read-body";
import { uninstall } from "@/lib/genesys/install-steps";

/** Removes what the wizard created in Genesys, then all of the org's data; the body must repeat the org's name. */
const post = adminRoute(async (ctx) => {
  const body = await readJsonBody(ctx.request, adminUninstallBodySchema);
  const expected = ctx.admin.orgName ?? ctx.admin.orgId;
  if (body.confirm.trim() !== expected) throw new AppError("VALIDATION_FAILED", `type the organization's name ("${expected}") to confirm`);
  if (!ctx.admin.canInstall) throw new AppError("FORBIDDEN", "uninstalling needs the same permissions as installing");
  const result = await uninstall(installContextFor(ctx));
  // 409 (the usual error body, with what was and was not removed) while a Genesys object could not be removed: nothing was deleted here.
  if (!result.dataDeleted) {
    throw new AppError("CONFLICT", `could not remove from Genesys: ${result.failed.join("; ")}; no data was deleted — fix it and uninstall again`, { details: result });
  }
  return json(result, 200);
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });

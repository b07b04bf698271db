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
  // 409 while a Genesys object could not be removed: nothing was deleted here, retry after fixing it.
  return json(result, result.dataDeleted ? 200 : 409);
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });

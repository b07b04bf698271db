import { processParamsSchema } from "@/lib/api/process-schemas";
import { adminRoute } from "@/lib/auth/admin-route";
import { json, routeMethods } from "@/lib/http/api-route";
import { parseJson, readBodyText, requireJsonContentType, validate } from "@/lib/http/read-body";
import { putProcess } from "@/lib/processes/process-store";
import { toProcessVersionView } from "@/lib/processes/process-views";

export const dynamic = "force-dynamic";

/** The admin editor's save: the same check and the same versioning as PUT /api/v1/processes/{name}. */
const put = adminRoute<{ name: string }>(async ({ admin, request, params }) => {
  const { name } = validate(processParamsSchema, params, "path");
  requireJsonContentType(request);
  const { created, process } = await putProcess(admin.orgId, name, parseJson(await readBodyText(request)), admin.actor);
  return json(toProcessVersionView(process), created ? 201 : 200);
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ PUT: put });

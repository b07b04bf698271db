import { adminRoute } from "@/lib/auth/admin-route";
import { AppError } from "@/lib/errors/app-error";
import { json, routeMethods } from "@/lib/http/api-route";
import { writeAudit } from "@/lib/security/security-audit";
import { retryDeadLetter } from "@/lib/outbox/dead-letters";

/** Re-drives one dead letter now; the answer says how the new attempt went. */
const post = adminRoute<{ id: string }>(async ({ admin, params }) => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(params.id)) throw new AppError("NOT_FOUND", "dead letter not found");
  const result = await retryDeadLetter(admin.orgId, params.id);
  await writeAudit({ orgId: admin.orgId, actor: admin.actor, action: "dead_letter.redriven", data: { deliveryId: params.id, kind: result.kind, outcome: result.status } });
  return json(result);
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });

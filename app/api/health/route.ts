import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { json, publicRoute, routeMethods } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

const get = publicRoute(async () => {
  let reachable = true;
  try {
    await (await db()).$queryRaw`SELECT 1`;
  } catch {
    reachable = false;
  }
  return json(
    { status: reachable ? "ok" : "degraded", database: reachable ? "reachable" : "unreachable", time: clock.now().toISOString() },
    reachable ? 200 : 503,
  );
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });

import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { json, publicRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async () => {
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

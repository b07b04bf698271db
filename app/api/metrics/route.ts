// Prometheus scrape endpoint: Authorization: Bearer $METRICS_SECRET.
import { publicRoute, routeMethods } from "@/lib/http/api-route";
import { authorizeScrape } from "@/lib/metrics/metrics-auth";
import { registerDatabaseGauges } from "@/lib/metrics/database-gauges";
import { metricsText } from "@/lib/metrics/metrics-registry";

export const dynamic = "force-dynamic";

registerDatabaseGauges();

const get = publicRoute(async ({ request }) => {
  authorizeScrape(request.headers.get("authorization"));
  const { contentType, body } = await metricsText();
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });

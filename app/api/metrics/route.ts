// Prometheus scrape endpoint: Authorization: Bearer $METRICS_SECRET.
import { publicRoute } from "@/lib/http/api-route";
import { authorizeScrape } from "@/lib/metrics/metrics-auth";
import { registerDatabaseGauges } from "@/lib/metrics/database-gauges";
import { metricsText } from "@/lib/metrics/metrics-registry";

export const dynamic = "force-dynamic";

registerDatabaseGauges();

export const GET = publicRoute(async ({ request }) => {
  authorizeScrape(request.headers.get("authorization"));
  const { contentType, body } = await metricsText();
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
});

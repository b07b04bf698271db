import { openApiDocument } from "@/lib/api/openapi";
import { baseUrlFor } from "@/lib/http/base-url";
import { json, publicRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async ({ request }) => json({ ...openApiDocument(), servers: [{ url: baseUrlFor(request) }] }));

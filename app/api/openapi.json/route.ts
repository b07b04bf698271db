import { openApiDocument } from "@/lib/api/openapi";
import { baseUrlFor } from "@/lib/http/base-url";
import { json, publicRoute, routeMethods } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

const get = publicRoute(async ({ request }) => json({ ...openApiDocument(), servers: [{ url: baseUrlFor(request) }] }));

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });

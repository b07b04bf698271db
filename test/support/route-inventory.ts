// Every route handler under app/api, found on disk, so that security tests
// cover routes added after they were written.
import { readdirSync } from "node:fs";
import path from "node:path";

export const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof httpMethods)[number];
export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export interface DiscoveredRoute {
  /** e.g. /api/v1/workflows/[id]/tasks */
  path: string;
  file: string;
  method: HttpMethod;
  handler: RouteHandler;
  /** Dynamic segments with the segment before each, e.g. [["workflows", "id"]]. */
  params: Array<{ parent: string; name: string; catchAll: boolean }>;
}

const root = path.resolve("app/api");

export function routeFiles(): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => /(^|\/)route\.(ts|tsx|js|mjs)$/.test(f))
    .map((f) => path.join(root, f))
    .sort();
}

export async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const routes: DiscoveredRoute[] = [];
  for (const file of routeFiles()) {
    const routePath = "/api/" + path.relative(root, path.dirname(file)).split(path.sep).join("/");
    const segments = routePath.split("/").filter(Boolean);
    const params = segments.flatMap((segment, i) => {
      const m = /^\[(\.\.\.)?([^\]]+)\]$/.exec(segment);
      return m ? [{ parent: segments[i - 1] ?? "", name: m[2]!, catchAll: Boolean(m[1]) }] : [];
    });
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of httpMethods) {
      const handler = mod[method];
      if (typeof handler === "function") routes.push({ path: routePath, file, method, handler: handler as RouteHandler, params });
    }
  }
  return routes;
}

/** Fills a route's path with concrete values: `values(param)` picks each. */
export function fillPath(route: DiscoveredRoute, values: (p: { parent: string; name: string }) => string): { url: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  let url = route.path;
  for (const p of route.params) {
    const value = values(p);
    params[p.name] = p.catchAll ? [value] : value;
    url = url.replace(p.catchAll ? `[...${p.name}]` : `[${p.name}]`, encodeURIComponent(value));
  }
  return { url, params };
}

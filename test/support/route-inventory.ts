// Every route handler under app/api, found on disk, so that security tests
// cover routes added after they were written.
import { readdirSync } from "node:fs";
import path from "node:path";
import { isGeneratedHandler } from "@/lib/http/api-route";

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

/** The catch-all that answers a JSON 404 for any path no route has: it implements no operation. */
export const unknownApiPathFile = path.join(root, "[...path]/route.ts");

/** Route files with operations (the catch-all 404 is left out). */
export function routeFiles(): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => /(^|\/)route\.(ts|tsx|js|mjs)$/.test(f))
    .map((f) => path.join(root, f))
    .filter((f) => f !== unknownApiPathFile)
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
      // The 405/OPTIONS answers routeMethods() makes up, and HEAD when it is GET, are not operations of their own.
      if (typeof handler !== "function" || isGeneratedHandler(handler)) continue;
      if (method === "HEAD" && handler === mod.GET) continue;
      routes.push({ path: routePath, file, method, handler: handler as RouteHandler, params });
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

/** Every method a route module exports (real or generated), for the 405/OPTIONS checks. */
export async function exportedHandlers(file: string): Promise<Partial<Record<HttpMethod, RouteHandler>>> {
  const mod = (await import(file)) as Record<string, unknown>;
  return Object.fromEntries(httpMethods.filter((m) => typeof mod[m] === "function").map((m) => [m, mod[m] as RouteHandler]));
}

// Request figures recorded by the one route wrapper (lib/http/api-route.ts).
import { metrics } from "@/lib/metrics/metrics-registry";

/** The callback route's pattern, whose answers are also counted by outcome. */
export const callbackRoute = "/api/v1/webhooks/flow/callback/[id]";

/**
 * The route's pattern from the request path and the route's params: each
 * segment that is a param's value becomes `[name]` (a catch-all's values
 * `[...name]`), so labels are bounded by the route files whatever ids come in.
 */
export function routePattern(pathname: string, params: Record<string, string | string[] | undefined>): string {
  const names = new Map<string, string>();
  const catchAll = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string") names.set(value, name);
    else if (Array.isArray(value) && value.length > 0) catchAll.set(value.join("/"), name);
  }
  const segments = pathname.split("/");
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const rest = segments.slice(i).map(safeDecode).join("/");
    const all = catchAll.get(rest);
    if (all !== undefined && rest !== "") {
      out.push(`[...${all}]`);
      break;
    }
    const segment = safeDecode(segments[i]!);
    const name = names.get(segment);
    out.push(name !== undefined && segment !== "" ? `[${name}]` : segments[i]!);
  }
  return out.join("/");
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function refusalReason(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === "string" ? body.error.code : "UNKNOWN";
  } catch {
    return "UNKNOWN";
  }
}

/** Counts one answered request; never throws and never delays the response. */
export function recordRequest(request: Request, params: Record<string, string | string[] | undefined>, response: Response, startedAt: number): void {
  try {
    const m = metrics();
    const route = routePattern(new URL(request.url).pathname, params);
    const method = request.method;
    m.httpRequests.inc({ route, method, status: String(response.status) });
    m.httpDuration.observe({ route, method }, (performance.now() - startedAt) / 1000);
    if (route !== callbackRoute || method !== "POST") return;
    if (response.ok) {
      m.callbacks.inc({ outcome: response.headers.get("webhook-replayed") === "true" ? "replayed" : "applied", reason: "" });
    } else {
      // Refusals are few: reading a copy of their small JSON body costs the success path nothing.
      void refusalReason(response.clone()).then((reason) => m.callbacks.inc({ outcome: "refused", reason }));
    }
  } catch {
    // Figures are best effort; a request never fails because of them.
  }
}

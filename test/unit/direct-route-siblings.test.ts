// The direct path (lib/http/direct-routes.ts) must pick the same handler Next
// would: each route module registers the pattern of its own folder, and a
// parameter refuses the names of the static routes beside it (Next prefers a
// static segment over a dynamic one), so such a request still goes to Next.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { directRouteFor, registerDirectRoute } from "@/lib/http/direct-routes";

const appDir = path.resolve(__dirname, "../../app");

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [full] : [];
  });
}

const registrations = routeFiles(appDir).flatMap((file) => {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/registerDirectRoute\("(GET|POST)", "([^"]+)", (GET|POST)(?:, \{ notParams: \[([^\]]*)\] \})?\)/g)].map((m) => ({
    file,
    method: m[1]!,
    pattern: m[2]!,
    exported: m[3]!,
    notParams: (m[4] ?? "")
      .split(",")
      .map((s) => s.trim().replace(/^"|"$/g, ""))
      .filter(Boolean),
  }));
});

/** Every route's path, from its folder ("/api/v1/workflows/[id]"). */
const allRoutes = routeFiles(appDir).map((file) => `/${path.relative(appDir, path.dirname(file)).split(path.sep).join("/")}`);

/**
 * Routes Next would prefer for some path the pattern matches: as long, the
 * same where the pattern is fixed, and fixed where the pattern has a
 * parameter (Next ranks a static segment over a dynamic one).
 */
function preferredOver(pattern: string): Array<{ route: string; position: number; name: string }> {
  const mine = pattern.split("/");
  return allRoutes.flatMap((route) => {
    const theirs = route.split("/");
    if (route === pattern || theirs.length !== mine.length) return [];
    const fixedWhereParam: Array<{ position: number; name: string }> = [];
    for (let i = 0; i < mine.length; i++) {
      const a = mine[i]!;
      const b = theirs[i]!;
      if (a.startsWith("[")) {
        if (!b.startsWith("[")) fixedWhereParam.push({ position: i, name: b });
      } else if (a !== b) return [];
    }
    return fixedWhereParam.map((f) => ({ route, ...f }));
  });
}

describe("direct routes", () => {
  it("are registered by the route module of the same path, with the method it exports", () => {
    expect(registrations.length).toBeGreaterThanOrEqual(9);
    for (const r of registrations) {
      const folder = path.relative(appDir, path.dirname(r.file));
      expect(r.pattern, r.file).toBe(`/${folder.split(path.sep).join("/")}`);
      expect(r.exported, r.file).toBe(r.method);
      expect(readFileSync(r.file, "utf8"), r.file).toMatch(new RegExp(`routeMethods\\(\\{[^}]*\\b${r.method}:`));
    }
  });

  it("leave to Next every static route beside one of their parameters", () => {
    const beside = registrations.flatMap((r) => preferredOver(r.pattern).map((p) => ({ ...p, r })));
    // The one there is today: /api/v1/workflows/initiate beside /api/v1/workflows/[id].
    expect(beside.map((b) => `${b.r.pattern} ${b.name}`)).toContain("/api/v1/workflows/[id] initiate");
    for (const { r, route, name } of beside) expect(r.notParams, `${r.pattern}: ${route} is a static route beside it`).toContain(name);
  });

  it("match fixed segments exactly and each parameter when it is plain", async () => {
    const handler = async () => new Response("ok");
    registerDirectRoute("POST", "/t/widgets", handler);
    registerDirectRoute("GET", "/t/widgets/[id]", handler, { notParams: ["search"] });
    registerDirectRoute("POST", "/t/widgets/[id]/parts/[partId]/beat", handler);
    expect(directRouteFor("POST", "/t/widgets?x=1")?.params).toEqual({});
    expect(directRouteFor("POST", "/t/widgets/")).toBeNull();
    expect(directRouteFor("GET", "/t/widgets/a-1")?.params).toEqual({ id: "a-1" });
    expect(directRouteFor("GET", "/t/widgets/search")).toBeNull();
    expect(directRouteFor("GET", "/t/widgets/a%2Fb")).toBeNull();
    expect(directRouteFor("POST", "/t/widgets/a-1")).toBeNull();
    expect(directRouteFor("POST", "/t/widgets/w1/parts/p2/beat")?.params).toEqual({ id: "w1", partId: "p2" });
    expect(directRouteFor("POST", "/t/widgets/w1/parts/p2/beat/x")).toBeNull();
    expect(directRouteFor("POST", "/t/widgets/w1/pieces/p2/beat")).toBeNull();
  });
});

// Every route.ts under app/api, with every HTTP method it exports, must be in
// the OpenAPI document, and the document must describe nothing that does not
// exist. Routes are found on disk, so a new route fails here until it has an
// entry in lib/api/openapi.ts.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET as openApiRoute } from "@/app/api/openapi.json/route";
import { httpMethods, openApiDocument, routeFileToPath, type OpenApiDocument } from "@/lib/api/openapi";
import { call, jsonOf } from "@/test/support/api";
import { discoverRoutes, routeFiles } from "@/test/support/route-inventory";

const root = path.join(import.meta.dirname, "../..");

/** The operations every route module implements (imported: routeMethods() fills the other methods with 405 handlers it marks). */
async function implementedOperations(): Promise<Array<{ file: string; path: string; method: string }>> {
  const operations = [];
  const routes = await discoverRoutes();
  for (const file of routeFiles()) {
    const relative = path.relative(root, file);
    const methods = routes.filter((r) => r.file === file).map((r) => r.method);
    expect(methods, `${relative} exports no HTTP method`).not.toEqual([]);
    for (const method of methods) operations.push({ file: relative, path: routeFileToPath(relative), method: method.toLowerCase() });
  }
  return operations;
}

describe("route discovery", () => {
  it("maps route files to OpenAPI paths, dynamic and catch-all segments included", () => {
    expect(routeFileToPath("app/api/v1/workflows/[id]/tasks/[taskId]/heartbeat/route.ts")).toBe("/api/v1/workflows/{id}/tasks/{taskId}/heartbeat");
    expect(routeFileToPath("app/api/auth/[...nextauth]/route.ts")).toBe("/api/auth/{nextauth}");
    expect(routeFileToPath("app/api/(admin)/settings/[[...rest]]/route.ts")).toBe("/api/settings/{rest}");
    expect(routeFileToPath("app/api/openapi.json/route.ts")).toBe("/api/openapi.json");
  });

  it("tells a route's operations from the 405 and OPTIONS answers routeMethods() fills in", async () => {
    const routes = await discoverRoutes();
    const settings = routes.filter((r) => r.path === "/api/admin/settings").map((r) => r.method).sort();
    expect(settings).toEqual(["GET", "PUT"]);
    expect(routes.filter((r) => r.path === "/api/v1/workflows").map((r) => r.method)).toEqual(["POST"]);
  });
});

describe("the OpenAPI document", () => {
  it("describes every route under app/api with every method it exports", async () => {
    const document = openApiDocument();
    const missing = (await implementedOperations()).filter((op) => !document.paths[op.path]?.[op.method as (typeof httpMethods)[number]]);
    expect(missing.map((op) => `${op.method.toUpperCase()} ${op.path} (${op.file}): add it to apiOperations in lib/api/openapi.ts`)).toEqual([]);
  });

  it("describes nothing that no route implements", async () => {
    const implemented = new Set((await implementedOperations()).map((op) => `${op.method} ${op.path}`));
    const documented = Object.entries(openApiDocument().paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(documented.filter((op) => !implemented.has(op))).toEqual([]);
  });

  it("is OpenAPI 3.1 whose every $ref resolves, with the security schemes of all three callers", () => {
    const document = openApiDocument();
    expect(document.openapi).toBe("3.1.0");
    const refs = new Set<string>();
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
          if (k === "$ref" && typeof v === "string") refs.add(v);
          else walk(v);
        }
      }
    };
    walk(document);
    for (const ref of refs) {
      expect(ref.startsWith("#/"), ref).toBe(true);
      const target = ref.slice(2).split("/").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      expect(target, `${ref} does not resolve`).toBeDefined();
    }
    const schemes = document.components.securitySchemes;
    expect(schemes.oauth2).toMatchObject({ type: "oauth2", flows: { clientCredentials: { tokenUrl: "/api/oauth/token", scopes: { "workflows:read": expect.any(String), "workflows:write": expect.any(String) } } } });
    expect(schemes.webhookSignature).toMatchObject({ type: "apiKey", in: "header", name: "webhook-signature" });
    expect(schemes.cronBearer).toMatchObject({ type: "http", scheme: "bearer" });
    // The components come from the zod schemas' ids.
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(["CreateWorkflowBody", "DispatchTaskBody", "WorkflowView", "TaskAccepted", "ErrorResponse"]));
  });

  it("documents the initiate body's timestamp as optional ISO-8601 with an offset (Longrun's clock when absent)", () => {
    const body = openApiDocument().components.schemas.CreateWorkflowBody as { required: string[]; properties: Record<string, { type?: string; format?: string; description?: string }> };
    expect(body.required.sort()).toEqual(["customer_id", "workflow_id"]);
    expect(body.properties.timestamp).toMatchObject({ type: "string", format: "date-time" });
    expect(body.properties.timestamp!.description).toContain("clock");
  });

  it("gives every error response the ErrorResponse schema and every operation a unique operationId", () => {
    const ids = new Set<string>();
    for (const [p, item] of Object.entries(openApiDocument().paths)) {
      for (const [method, operation] of Object.entries(item) as Array<[string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }]>) {
        expect(ids.has(operation.operationId), operation.operationId).toBe(false);
        ids.add(operation.operationId);
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400 && Number(status) < 500) {
            expect(response.content?.["application/json"]?.schema, `${method} ${p} ${status}`).toEqual({ $ref: "#/components/schemas/ErrorResponse" });
          }
        }
      }
    }
  });

  it("is served at GET /api/openapi.json with the server it was asked on", async () => {
    const res = await call(openApiRoute, "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const served = await jsonOf<OpenApiDocument & { servers: Array<{ url: string }> }>(res);
    expect(served.servers).toEqual([{ url: "http://longrun.test" }]);
    const { servers: _servers, ...rest } = served;
    expect(rest).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});

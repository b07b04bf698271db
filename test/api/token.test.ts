import { beforeAll, describe, expect, it } from "vitest";
import { POST as token } from "@/app/api/oauth/token/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { createOrg } from "@/lib/orgs/create-org";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { call, jsonOf, workflowBody } from "@/test/support/api";
import { randomUUID } from "node:crypto";

let creds: { clientId: string; clientSecret: string; signingSecret: string; orgId: string };

beforeAll(async () => {
  creds = await createOrg({ orgId: randomUUID(), region: "mypurecloud.ie" });
});

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

describe("POST /api/oauth/token", () => {
  const shapes: Array<[string, () => { rawBody: string; headers: Record<string, string> }]> = [
    ["form body, Basic credentials (Genesys User Defined OAuth)", () => ({ rawBody: "grant_type=client_credentials", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(creds.clientId, creds.clientSecret) } })],
    ["form body with credentials in it", () => ({ rawBody: new URLSearchParams({ grant_type: "client_credentials", client_id: creds.clientId, client_secret: creds.clientSecret }).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } })],
    ["JSON body with credentials in it", () => ({ rawBody: JSON.stringify({ grant_type: "client_credentials", client_id: creds.clientId, client_secret: creds.clientSecret }), headers: { "content-type": "application/json" } })],
    ["JSON body, Basic credentials", () => ({ rawBody: JSON.stringify({ grant_type: "client_credentials" }), headers: { "content-type": "application/json", authorization: basic(creds.clientId, creds.clientSecret) } })],
  ];

  it.each(shapes)("issues a bearer token for %s", async (_name, shape) => {
    const res = await call(token, "/api/oauth/token", { method: "POST", ...shape() });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "workflows:read workflows:write processes:read processes:write" });
    expect(typeof body.access_token).toBe("string");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("never stores the token or the secret in clear", async () => {
    const res = await call(token, "/api/oauth/token", { method: "POST", ...shapes[0]![1]() });
    const { access_token } = await jsonOf<{ access_token: string }>(res);
    const prisma = await db();
    const rows = await prisma.accessToken.findMany();
    expect(rows.some((r) => r.tokenHash === access_token)).toBe(false);
    const client = await prisma.apiClient.findUniqueOrThrow({ where: { id: creds.clientId } });
    expect(client.secretHash).toMatch(/^scrypt\$/);
    expect(client.secretHash).not.toContain(creds.clientSecret);
  });

  const refusals: Array<[string, () => { rawBody: string; headers: Record<string, string> }, number, string]> = [
    ["a wrong secret", () => ({ rawBody: "grant_type=client_credentials", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(creds.clientId, "wrong") } }), 401, "INVALID_CLIENT"],
    ["an unknown client", () => ({ rawBody: "grant_type=client_credentials", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic("lr_nobody", "x") } }), 401, "INVALID_CLIENT"],
    ["no credentials", () => ({ rawBody: "grant_type=client_credentials", headers: { "content-type": "application/x-www-form-urlencoded" } }), 401, "INVALID_CLIENT"],
    ["another grant type", () => ({ rawBody: "grant_type=password", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(creds.clientId, creds.clientSecret) } }), 400, "VALIDATION_FAILED"],
    ["a scope the client lacks", () => ({ rawBody: "grant_type=client_credentials&scope=admin", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(creds.clientId, creds.clientSecret) } }), 403, "INSUFFICIENT_SCOPE"],
    ["text/plain", () => ({ rawBody: "grant_type=client_credentials", headers: { "content-type": "text/plain" } }), 415, "UNSUPPORTED_MEDIA_TYPE"],
  ];

  it.each(refusals)("refuses %s", async (_name, shape, status, code) => {
    const res = await call(token, "/api/oauth/token", { method: "POST", ...shape() });
    expect(res.status).toBe(status);
    expect(await jsonOf(res)).toMatchObject({ error: { code } });
  });

  it("narrows the scope on request; a read-only token cannot write, and tokens expire", async () => {
    const res = await call(token, "/api/oauth/token", { method: "POST", rawBody: "grant_type=client_credentials&scope=workflows:read", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(creds.clientId, creds.clientSecret) } });
    const { access_token, scope } = await jsonOf<{ access_token: string; scope: string }>(res);
    expect(scope).toBe("workflows:read");
    expect((await call(initiate, "/api/v1/workflows", { body: workflowBody(), token: access_token })).status).toBe(403);
    const id = randomUUID();
    expect((await call(getWorkflow, `/x`, { params: { id }, token: access_token })).status).toBe(404);
    const restore = clock.set(() => new Date(Date.now() + 3601_000));
    try {
      expect((await call(getWorkflow, `/x`, { params: { id }, token: access_token })).status).toBe(401);
    } finally {
      restore();
    }
  });
});

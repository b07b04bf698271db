// Input a stranger can send that PostgreSQL or the framework would choke on:
// NUL and unpaired surrogates anywhere (body at any depth, keys, query, path,
// form fields, Basic credentials), malformed cookies and percent-escapes,
// odd Content-Length, unsupported methods and unknown paths. Each gets a 4xx
// JSON error naming what was wrong, writes nothing — and for a signed
// callback the 400 is its stored answer, so a retry of it is answered the same.
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as initiateAlias } from "@/app/api/v1/workflows/initiate/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as cancel } from "@/app/api/v1/workflows/[id]/cancel/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { POST as token } from "@/app/api/oauth/token/route";
import { GET as adminSettings } from "@/app/api/admin/settings/route";
import * as unknownPath from "@/app/api/[...path]/route";
import { db } from "@/lib/db/client";
import { cookiesOfHeader } from "@/lib/auth/admin-session";
import { findBadText } from "@/lib/http/text-rule";
import { originalMethodHeader } from "@/lib/security/request-guard";
import { base, call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { exportedHandlers, discoverRoutes, routeFiles, unknownApiPathFile } from "@/test/support/route-inventory";
import { refusalSideEffects, snapshot } from "@/test/support/security-db";

let org: TestOrg;

beforeAll(async () => {
  org = await newOrg();
});
afterAll(() => vi.unstubAllEnvs());

const nul = "a\u0000b";
const loneHigh = "x\ud800y";
const loneLow = "\udc00";

async function expectRefused(response: Response, status: number, mentions?: string | RegExp): Promise<{ error: { code: string; message: string } }> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(typeof body.error.code).toBe("string");
  if (mentions) expect(body.error.message).toMatch(mentions);
  return body;
}

async function startTask(): Promise<{ workflowId: string; callbackUrl: URL }> {
  const body = workflowBody();
  expect((await call(initiate, "/api/v1/workflows", { body, token: org.token })).status).toBe(201);
  const accepted = await jsonOf<{ callback_url: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD", dispatch: false }, token: org.token }));
  return { workflowId: body.workflow_id, callbackUrl: new URL(accepted.callback_url) };
}

describe("the text rule", () => {
  it("finds NUL and unpaired surrogates in values and keys at any depth, and leaves paired surrogates alone", () => {
    expect(findBadText({ a: [{ b: "ok \ud83d\ude00" }] })).toBeNull();
    expect(findBadText({ a: [{ b: nul }] })).toMatchObject({ path: "a.0.b", problem: expect.stringContaining("NUL") });
    expect(findBadText({ a: { [loneHigh]: 1 } })).toMatchObject({ path: `a.${loneHigh}`, problem: expect.stringContaining("surrogate") });
    expect(findBadText([1, true, null, loneLow])).toMatchObject({ path: "3" });
    expect(findBadText(loneLow)).toMatchObject({ path: "" });
  });

  const cases: Array<[string, () => Promise<Response>, RegExp]> = [
    ["initiate: context, deep", () => call(initiate, "/api/v1/workflows", { body: workflowBody({ context: { a: { b: [{ c: nul }] } } }), token: org.token }), /context\.a\.b\.0\.c .*NUL/],
    ["initiate alias: a key in context", () => call(initiateAlias, "/api/v1/workflows/initiate", { body: workflowBody({ context: { [loneHigh]: 1 } }), token: org.token }), /context\..*surrogate/],
    ["initiate: customer_id", () => call(initiate, "/api/v1/workflows", { body: workflowBody({ customer_id: `C${loneLow}` }), token: org.token }), /customer_id .*surrogate/],
    ["token: JSON client_id", () => call(token, "/api/oauth/token", { body: { grant_type: "client_credentials", client_id: nul, client_secret: "x" } }), /client_id .*NUL/],
    ["token: form client_secret", () => call(token, "/api/oauth/token", { rawBody: `grant_type=client_credentials&client_id=${org.clientId}&client_secret=%00`, headers: { "content-type": "application/x-www-form-urlencoded" } }), /client_secret .*NUL/],
    ["token: Basic credentials", () => call(token, "/api/oauth/token", { rawBody: "grant_type=client_credentials", headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${org.clientId}%00:x`).toString("base64")}` } }), /client_id .*NUL/],
    ["a query parameter", () => call(getWorkflow, `/api/v1/workflows/${randomUUID()}?note=%00`, { params: { id: randomUUID() }, token: org.token }), /query parameter "note" .*NUL/],
    ["a path segment", () => call(getWorkflow, "/api/v1/workflows/%00", { params: { id: "\u0000" }, token: org.token }), /path segment .*NUL/],
    ["a malformed escape in the query", () => call(getWorkflow, `/api/v1/workflows/${randomUUID()}?a=%zz`, { params: { id: randomUUID() }, token: org.token }), /malformed percent-escape/],
  ];
  for (const [what, send, mentions] of cases) {
    it(`refuses it with a 400 naming the field and writes nothing: ${what}`, async () => {
      const before = await snapshot(refusalSideEffects);
      await expectRefused(await send(), 400, mentions);
      expect(await snapshot(refusalSideEffects)).toEqual(before);
    });
  }

  it("refuses NUL in a task's payload and in a cancel reason, changing nothing", async () => {
    const { workflowId } = await startTask();
    const before = await snapshot(refusalSideEffects);
    await expectRefused(await call(dispatch, "/x", { params: { id: workflowId }, body: { task_type: "FRAUD", payload: { deep: { list: ["ok", nul] } } }, token: org.token }), 400, /payload\.deep\.list\.1 .*NUL/);
    await expectRefused(await call(cancel, "/x", { params: { id: workflowId }, body: { reason: loneHigh }, token: org.token }), 400, /reason .*surrogate/);
    expect(await snapshot(refusalSideEffects)).toEqual(before);
  });

  it("stores the 400 as a signed callback's answer: a retry of it gets the same answer and nothing else changes", async () => {
    const task = await startTask();
    const raw = JSON.stringify({ result: "SUCCESS", result_data: { a: [{ b: "\u0000" }] } });
    const headers = signed(org.signingSecret, raw);
    const send = () => call(callback, task.callbackUrl.pathname + task.callbackUrl.search, { params: { id: task.workflowId }, rawBody: raw, headers });
    const { WebhookReceipt: receiptsBefore, ...before } = await snapshot(refusalSideEffects);
    const first = await expectRefused(await send(), 400, /result_data\.a\.0\.b .*NUL/);
    const { WebhookReceipt: receiptsAfter, ...after } = await snapshot(refusalSideEffects);
    expect(after).toEqual(before);
    expect(receiptsAfter!.rows).toBe(receiptsBefore!.rows + 1);
    const prisma = await db();
    const receipt = await prisma.webhookReceipt.findFirstOrThrow({ where: { orgId: org.orgId, webhookId: headers["webhook-id"] } });
    expect(receipt.statusCode).toBe(400);

    const again = await send();
    expect(again.headers.get("webhook-replayed")).toBe("true");
    expect(await expectRefused(again, 400)).toEqual(first);
    // The task is still open: a corrected result under a new webhook-id applies.
    const fixed = JSON.stringify({ result: "SUCCESS", result_data: { a: [{ b: "fine" }] } });
    const applied = await call(callback, task.callbackUrl.pathname + task.callbackUrl.search, { params: { id: task.workflowId }, rawBody: fixed, headers: signed(org.signingSecret, fixed) });
    expect(applied.status).toBe(200);
  });
});

describe("a NUL in a key of a signed body", () => {
  it("is answered 400 with the key spelled as an escape, and that answer is stored for the webhook-id", async () => {
    const task = await startTask();
    const raw = JSON.stringify({ result: "SUCCESS", result_data: { ["k\u0000"]: 1 } });
    const headers = signed(org.signingSecret, raw);
    const send = () => call(callback, task.callbackUrl.pathname + task.callbackUrl.search, { params: { id: task.workflowId }, rawBody: raw, headers });
    const first = await expectRefused(await send(), 400, /result_data\.k\\u0000 has a key that contains a NUL/);
    const again = await send();
    expect(again.headers.get("webhook-replayed")).toBe("true");
    expect(await expectRefused(again, 400)).toEqual(first);
  });
});

describe("malformed cookies and credentials", () => {
  it("keeps a cookie value with a malformed percent-escape as sent instead of throwing", () => {
    expect(cookiesOfHeader("a=%zz; b=%41; c=\"q\"; a=second").get("a")).toBe("%zz");
    expect(cookiesOfHeader("a=%zz; b=%41").get("b")).toBe("A");
    expect(cookiesOfHeader("c=\"q\"").get("c")).toBe("q");
  });

  for (const cookie of ["next-auth.session-token=%zz", "next-auth.session-token=%E0%A4%A", "next-auth.session-token.0=%; next-auth.session-token.1=%%", "=%zz; ;;", "next-auth.session-token=" + "%".repeat(3000)]) {
    it(`answers an admin route 401 for the cookie ${JSON.stringify(cookie.slice(0, 60))}`, async () => {
      await expectRefused(await call(adminSettings, "/api/admin/settings", { headers: { cookie } }), 401);
    });
  }

  it("answers a Content-Length that is not a number with 400", async () => {
    const request = new Request(new URL("/api/v1/workflows", base), { method: "POST", headers: { "content-length": "12abc", authorization: `Bearer ${org.token}`, "content-type": "application/json" }, body: "{}" });
    await expectRefused(await initiate(request, { params: Promise.resolve({}) }), 400, /Content-Length/);
  });
});

describe("methods and paths", () => {
  it("answers every method a route does not implement with a JSON 405 and Allow, and OPTIONS with 204 and the same Allow — on every route", async () => {
    const routes = await discoverRoutes();
    const checked: string[] = [];
    for (const file of routeFiles()) {
      const implemented = routes.filter((r) => r.file === file).map((r) => r.method);
      const allow = [...new Set(["OPTIONS", ...implemented, ...(implemented.includes("GET") ? ["HEAD"] : [])])].sort().join(", ");
      const handlers = await exportedHandlers(file);
      for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const) {
        expect(handlers[method], `${file} exports no ${method}`).toBeTypeOf("function");
        if (implemented.includes(method) || (method === "HEAD" && implemented.includes("GET"))) continue;
        const response = await handlers[method]!(new NextRequest(new URL("/api/x", base), { method }), { params: Promise.resolve({}) });
        checked.push(`${method} ${file}`);
        if (method === "OPTIONS") {
          expect(response.status, file).toBe(204);
          expect(response.headers.get("allow"), file).toBe(allow);
          continue;
        }
        expect(response.headers.get("allow"), `${method} ${file}`).toBe(allow);
        if (method === "HEAD") {
          expect(response.status).toBe(405);
          continue;
        }
        const body = await expectRefused(response, 405, new RegExp(`${method} is not allowed`));
        expect(body.error.code).toBe("METHOD_NOT_ALLOWED");
      }
    }
    expect(checked.length).toBeGreaterThan(routeFiles().length * 4);
  });

  it("answers a method Next cannot route (handed over by the server as OPTIONS) with 405 and Allow; the header counts only from the server", async () => {
    const { OPTIONS } = await exportedHandlers(routeFiles().find((f) => f.endsWith("v1/workflows/route.ts"))!);
    const trace = () => new NextRequest(new URL("/api/v1/workflows", base), { method: "OPTIONS", headers: { [originalMethodHeader]: "TRACE" } });
    vi.stubEnv("LONGRUN_PEER_HEADER", "1");
    const refused = await OPTIONS!(trace(), { params: Promise.resolve({}) });
    expect(refused.headers.get("allow")).toBe("OPTIONS, POST");
    await expectRefused(refused, 405, /TRACE is not allowed/);
    vi.stubEnv("LONGRUN_PEER_HEADER", "");
    expect((await OPTIONS!(trace(), { params: Promise.resolve({}) })).status).toBe(204);
  });

  it("answers any method on a path no route has with a JSON 404", async () => {
    expect(unknownApiPathFile).toMatch(/\[\.\.\.path\]/);
    for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const) {
      const response = await unknownPath[method](new NextRequest(new URL("/api/v1/nothing/here", base), { method }), { params: Promise.resolve({}) });
      if (method === "HEAD") expect(response.status).toBe(404);
      else await expectRefused(response, 404, /no such API path/);
    }
  });
});

describe("log lines", () => {
  function capture(): { lines: Array<Record<string, unknown>>; restore: () => void } {
    const lines: Array<Record<string, unknown>> = [];
    vi.stubEnv("LOG_LEVEL", "debug");
    const push = (...args: unknown[]) => void lines.push(JSON.parse(String(args[0])) as Record<string, unknown>);
    const out = vi.spyOn(console, "log").mockImplementation(push);
    const err = vi.spyOn(console, "error").mockImplementation(push);
    return { lines, restore: () => { out.mockRestore(); err.mockRestore(); vi.stubEnv("LOG_LEVEL", "error"); } };
  }

  it("logs a client that hangs up mid-body as info request.aborted, not as a crash", async () => {
    const log = capture();
    try {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"workflow_id":'));
          setTimeout(() => controller.error(new Error("aborted")), 10);
        },
      });
      const request = new Request(new URL("/api/v1/workflows", base), { method: "POST", headers: { authorization: `Bearer ${org.token}`, "content-type": "application/json", "x-request-id": "abort-1" }, body, duplex: "half" } as RequestInit);
      const response = await initiate(request, { params: Promise.resolve({}) });
      expect(response.status).toBe(400);
      const lines = log.lines.filter((l) => l.requestId === "abort-1");
      expect(lines).toEqual([expect.objectContaining({ level: "info", event: "request.aborted", path: "/api/v1/workflows", method: "POST" })]);
    } finally {
      log.restore();
    }
  });

  it("logs a refusal once with its reason: info for bad input, warn for credentials; never at error level", async () => {
    const log = capture();
    try {
      await call(initiate, "/api/v1/workflows", { body: workflowBody({ context: { a: nul } }), token: org.token, headers: { "x-request-id": "bad-input-1" } });
      await call(initiate, "/api/v1/workflows", { body: workflowBody(), token: "lrt_nope", headers: { "x-request-id": "bad-token-1" } });
      expect(log.lines.filter((l) => l.requestId === "bad-input-1")).toEqual([expect.objectContaining({ level: "info", event: "request.refused", status: 400, code: "VALIDATION_FAILED", reason: expect.stringContaining("context.a") })]);
      expect(log.lines.filter((l) => l.requestId === "bad-token-1")).toEqual([expect.objectContaining({ level: "warn", event: "request.refused", status: 401 })]);
      expect(log.lines.filter((l) => l.level === "error")).toEqual([]);
    } finally {
      log.restore();
    }
  });
});

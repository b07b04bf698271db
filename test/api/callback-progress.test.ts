// Progress is not failure (issue 14, part 6): intermediate words extend the
// deadline and never settle the task; an unknown word is a 422 that lists the
// accepted words, changes nothing and is the stored answer for its webhook-id;
// an org maps its vendor's words per task type in the settings.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { GET as events } from "@/app/api/v1/workflows/[id]/events/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { GET as getSettings, PUT as putSettings } from "@/app/api/admin/settings/route";
import { adminCookie } from "@/test/support/admin-session";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";

let org: TestOrg;
let restoreClock: () => void = () => undefined;
const start = new Date("2026-11-27T12:00:00.000Z");

beforeAll(async () => {
  org = await newOrg({
    settings: {
      taskTimeoutSeconds: 600,
      taskTypes: {
        FRAUD_VERIFICATION: { timeoutSeconds: 300, heartbeatTimeoutSeconds: 120 },
        ID_MATCH: { timeoutSeconds: 300, statusWords: { MATCH: "success", NO_MATCH: "failure", under_review: "progress" } },
      },
    },
  });
});
afterEach(() => restoreClock());

interface Accepted { task_id: string; version: number; callback_url: string; deadline_at: string }

async function startTask(taskType = "FRAUD_VERIFICATION"): Promise<{ workflowId: string; accepted: Accepted }> {
  const body = workflowBody();
  expect((await call(initiate, "/api/v1/workflows", { body, token: org.token })).status).toBe(201);
  const res = await call(dispatch, `/x`, { params: { id: body.workflow_id }, body: { task_type: taskType, payload: {}, dispatch: false }, token: org.token });
  expect(res.status).toBe(202);
  return { workflowId: body.workflow_id, accepted: await jsonOf<Accepted>(res) };
}

async function postCallback(callbackUrl: string, body: unknown, id?: string) {
  const url = new URL(callbackUrl);
  const raw = JSON.stringify(body);
  return call(callback, url.pathname + url.search, { params: { id: url.pathname.split("/").pop()! }, rawBody: raw, headers: signed(org.signingSecret, raw, { id }) });
}

const view = async (workflowId: string) => jsonOf(await call(getWorkflow, `/x`, { params: { id: workflowId }, token: org.token }));
const eventLog = async (workflowId: string) =>
  (await jsonOf<{ events: Array<{ type: string; data: unknown }> }>(await call(events, `/x`, { params: { id: workflowId }, token: org.token }))).events;

describe("a progress word in a callback", () => {
  it.each(["PENDING", "PROCESSING", "IN_PROGRESS", "RUNNING", "QUEUED", "PENDING_VERIFICATION"])("%s extends the deadline like a heartbeat and leaves the task running", async (word) => {
    let now = start;
    restoreClock = clock.set(() => now);
    const { workflowId, accepted } = await startTask();
    now = new Date(start.getTime() + 250_000);
    const res = await postCallback(accepted.callback_url, { status: word, message: "waiting for the card issuer" });
    expect(res.status, await res.clone().text()).toBe(200);
    const answer = await jsonOf<Record<string, unknown>>(res);
    const extended = new Date(now.getTime() + 120_000).toISOString();
    expect(answer).toMatchObject({ status: "PENDING", task_status: "ACCEPTED", version: accepted.version, progress: { word, message: "waiting for the card issuer", deadline_at: extended } });
    const after = await view(workflowId);
    expect(after).toMatchObject({ status: "PENDING", task_status: "ACCEPTED", task_deadline_at: extended });
    expect(after.task_result_status ?? null).toBeNull();

    const progress = (await eventLog(workflowId)).filter((e) => e.type === "TASK_PROGRESS");
    expect(progress).toEqual([expect.objectContaining({ data: { word, message: "waiting for the card issuer", deadline_at: extended, extended: true } })]);

    // The version in the callback URL still settles the task afterwards.
    const done = await postCallback(accepted.callback_url, { result: "SUCCESS" });
    expect(await jsonOf(done)).toMatchObject({ status: "COMPLETED", task_status: "SUCCEEDED" });
  });
});

describe("progress with a stale version", () => {
  it("is a 409 and changes nothing, like any stale callback", async () => {
    const { workflowId, accepted } = await startTask();
    const url = new URL(accepted.callback_url);
    url.searchParams.set("version", String(accepted.version - 1));
    const before = await view(workflowId);
    const res = await postCallback(url.toString(), { status: "PROCESSING" });
    expect(res.status).toBe(409);
    expect(await view(workflowId)).toEqual(before);
  });
});

describe("an unknown status word", () => {
  it("is a 422 listing the accepted words, changes nothing, and stays the answer for its webhook-id", async () => {
    const { workflowId, accepted } = await startTask();
    const before = await view(workflowId);
    const res = await postCallback(accepted.callback_url, { status: "HALF_DONE" }, "msg_unknown_word_1");
    expect(res.status).toBe(422);
    const body = await jsonOf<{ error: { code: string; message: string; details: { unknown_words: string[]; accepted: Record<string, string[]> } } }>(res);
    expect(body.error.code).toBe("UNPROCESSABLE");
    expect(body.error.message).toContain('"HALF_DONE"');
    expect(body.error.details.unknown_words).toEqual(["HALF_DONE"]);
    expect(body.error.details.accepted.progress).toContain("PROCESSING");
    expect(body.error.details.accepted.success).toContain("SUCCESS");
    expect(body.error.details.accepted.failure).toContain("FAILED");
    expect(await view(workflowId)).toEqual(before);

    const prisma = await db();
    const receipt = await prisma.webhookReceipt.findUniqueOrThrow({ where: { orgId_webhookId: { orgId: org.orgId, webhookId: "msg_unknown_word_1" } } });
    expect(receipt.statusCode).toBe(422);
    const replay = await postCallback(accepted.callback_url, { status: "HALF_DONE" }, "msg_unknown_word_1");
    expect(replay.status).toBe(422);
    expect(replay.headers.get("webhook-replayed")).toBe("true");
    expect(await jsonOf(replay)).toEqual(body);
    expect((await eventLog(workflowId)).map((e) => e.type)).toEqual(["WORKFLOW_INITIATED", "TASK_DISPATCHED"]);
  });
});

describe("an org's own words for a task type", () => {
  it("MATCH completes, NO_MATCH fails and under_review is progress for that task type only", async () => {
    const matched = await startTask("ID_MATCH");
    expect(await jsonOf(await postCallback(matched.accepted.callback_url, { status: "under_review" }))).toMatchObject({ status: "PENDING", progress: { word: "UNDER_REVIEW" } });
    expect(await jsonOf(await postCallback(matched.accepted.callback_url, { result: "match" }))).toMatchObject({ status: "COMPLETED", task_status: "SUCCEEDED" });

    const unmatched = await startTask("ID_MATCH");
    expect(await jsonOf(await postCallback(unmatched.accepted.callback_url, { result: "NO_MATCH", reason: "name differs" }))).toMatchObject({ status: "FAILED", task_status: "FAILED" });
    expect(await view(unmatched.workflowId)).toMatchObject({ task_failure_reason: "name differs" });

    // Another task type does not know MATCH.
    const other = await startTask("FRAUD_VERIFICATION");
    const res = await postCallback(other.accepted.callback_url, { result: "MATCH" });
    expect(res.status).toBe(422);
    expect((await jsonOf<{ error: { message: string } }>(res)).error.message).toContain("FRAUD_VERIFICATION");
  });
});

describe("status words in the settings API", () => {
  it("are validated (meaning, spelling, one word in two cases), saved, and used by the next callback", async () => {
    const cookie = await adminCookie(org.orgId);
    const current = await jsonOf<{ orchestratorUrl: string | null; settings: Record<string, unknown> & { taskTypes: Record<string, Record<string, unknown>> }; sourceCidrs: string[] }>(
      await call(getSettings, "/api/admin/settings", { headers: { cookie } }),
    );
    const withWords = (statusWords: Record<string, string>) => ({
      orchestratorUrl: current.orchestratorUrl,
      sourceCidrs: current.sourceCidrs,
      settings: { ...current.settings, taskTypes: { ...current.settings.taskTypes, KYC: { statusWords } } },
    });
    const put = (body: unknown) => call(putSettings, "/api/admin/settings", { method: "PUT", body, headers: { cookie } });

    const bads: Array<Record<string, string>> = [{ CLEARED: "maybe" }, { "NOT OK": "failure" }, { Cleared: "success", CLEARED: "failure" }];
    for (const bad of bads) {
      const res = await put(withWords(bad));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((await jsonOf<{ error: { message: string } }>(res)).error.message).toContain("settings.taskTypes.KYC.statusWords");
    }
    const ok = await put(withWords({ CLEARED: "success", FLAGGED: "failure", CHECKING: "progress" }));
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect((await jsonOf<{ settings: { taskTypes: Record<string, unknown> } }>(ok)).settings.taskTypes.KYC).toEqual({ statusWords: { CLEARED: "success", FLAGGED: "failure", CHECKING: "progress" } });

    const { accepted } = await startTask("KYC");
    expect(await jsonOf(await postCallback(accepted.callback_url, { status: "checking" }))).toMatchObject({ status: "PENDING", progress: { word: "CHECKING" } });
    expect(await jsonOf(await postCallback(accepted.callback_url, { status: "CLEARED" }))).toMatchObject({ status: "COMPLETED" });
  });
});

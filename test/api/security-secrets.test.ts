// Signing-secret rotation with an overlap, revocation, listing without
// disclosure, and re-sealing after an ENCRYPTION_KEY rotation.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as heartbeat } from "@/app/api/v1/workflows/[id]/tasks/[taskId]/heartbeat/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { sealedKeyId } from "@/lib/crypto/secret-box";
import { activeSigningSecrets, listSigningSecrets, revokeSigningSecret, rotateSigningSecret, signOutgoing } from "@/lib/webhooks/signing-secrets";
import { processOutbox } from "@/lib/outbox/process-outbox";
import { run } from "@/scripts/org-secrets";
import { startOrchestrator } from "@/test/support/orchestrator";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";

let org: TestOrg;
let task: { workflowId: string; taskId: string };

beforeAll(async () => {
  org = await newOrg();
  const body = workflowBody();
  await call(initiate, "/api/v1/workflows", { body, token: org.token });
  const accepted = await jsonOf<{ task_id: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "KYC", dispatch: false }, token: org.token }));
  task = { workflowId: body.workflow_id, taskId: accepted.task_id };
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

async function beat(headers: Record<string, string>): Promise<number> {
  const res = await call(heartbeat, "/x", { params: { id: task.workflowId, taskId: task.taskId }, rawBody: "", headers });
  return res.status;
}

/** Runs the CLI in-process; returns exit code and output. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("rotation", () => {
  it("keeps the old secret valid beside the new one, then refuses the revoked one", async () => {
    const [original] = await listSigningSecrets(org.orgId);
    const rotated = await cli("rotate", "--org-id", org.orgId);
    expect(rotated.code).toBe(0);
    const newSecret = /^\s+(whsec_\S+)$/m.exec(rotated.out)?.[1];
    expect(newSecret).toBeDefined();
    expect(rotated.out).toContain(original!.id);

    // Overlap: both pass, and so does a header carrying both signatures.
    expect(await beat(signed(org.signingSecret, ""))).toBe(200);
    expect(await beat(signed(newSecret!, ""))).toBe(200);
    const id = "msg_both";
    const at = clock.now();
    const both = signOutgoing([org.signingSecret, newSecret!], id, "", at);
    expect(both["webhook-signature"].split(" ")).toHaveLength(2);
    expect(await beat({ ...both, "content-type": "application/json" })).toBe(200);

    const revoked = await cli("revoke", "--org-id", org.orgId, "--id", original!.id);
    expect(revoked.code).toBe(0);
    expect(await beat(signed(org.signingSecret, ""))).toBe(401);
    expect(await beat(signed(newSecret!, ""))).toBe(200);
    org.signingSecret = newSecret!;

    const prisma = await db();
    const audit = await prisma.auditEntry.findMany({ where: { orgId: org.orgId, action: { startsWith: "signing_secret." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["signing_secret.rotated", "signing_secret.revoked"]);
    expect(audit.every((a) => a.actor.startsWith("cli:"))).toBe(true);
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain("whsec_");
  });

  it("signs Longrun's own dispatches with every active secret, so receivers with either secret verify them", async () => {
    const a = `whsec_${randomBytes(32).toString("base64")}`;
    const b = `whsec_${randomBytes(32).toString("base64")}`;
    const at = new Date();
    const headers = signOutgoing([a, b], "msg_1", '{"x":1}', at);
    for (const secret of [a, b]) expect(() => new Webhook(secret).verify('{"x":1}', headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString("base64")}`).verify('{"x":1}', headers)).toThrow();
  });

  it("dispatches a task during a rotation that the orchestrator verifies with the old or the new secret", async () => {
    const orchestrator = await startOrchestrator();
    try {
      const sender = await newOrg({ orchestratorUrl: orchestrator.url });
      const { secret: newer } = await rotateSigningSecret(sender.orgId, "test");
      const body = workflowBody();
      await call(initiate, "/api/v1/workflows", { body, token: sender.token });
      const accepted = await jsonOf<{ task_id: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "KYC" }, token: sender.token }));
      const prisma = await db();
      const ids = (await prisma.delivery.findMany({ where: { taskId: accepted.task_id }, select: { id: true } })).map((d) => d.id);
      await processOutbox({ ids });
      const received = orchestrator.received.find((r) => r.headers["x-task-id"] === accepted.task_id)!;
      const headers = { "webhook-id": String(received.headers["webhook-id"]), "webhook-timestamp": String(received.headers["webhook-timestamp"]), "webhook-signature": String(received.headers["webhook-signature"]) };
      for (const secret of [sender.signingSecret, newer]) expect(() => new Webhook(secret).verify(received.body, headers)).not.toThrow();
    } finally {
      await orchestrator.close();
    }
  });

  it("lists ids and dates, never secrets", async () => {
    const listed = await cli("list", "--org-id", org.orgId);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/ACTIVE/);
    expect(listed.out).toMatch(/revoked \d{4}-/);
    expect(listed.out).not.toMatch(/whsec_|v1\./);
    for (const s of await activeSigningSecrets(org.orgId)) expect(listed.out).not.toContain(s.secret.slice(6, 20));
  });

  it("stores secrets sealed with the key id, never in clear", async () => {
    const prisma = await db();
    const rows = await prisma.signingSecret.findMany({ where: { orgId: org.orgId } });
    for (const row of rows) {
      expect(row.secretEnc).toMatch(/^v1\.[0-9a-f]{8}\./);
      expect(row.secretEnc).not.toContain("whsec_");
    }
  });

  it("will not revoke the last active secret unless forced, and then every signature fails", async () => {
    const solo = await newOrg();
    const [only] = await listSigningSecrets(solo.orgId);
    const refused = await cli("revoke", "--org-id", solo.orgId, "--id", only!.id);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("only active signing secret");
    expect(await activeSigningSecrets(solo.orgId)).toHaveLength(1);
    expect((await cli("revoke", "--org-id", solo.orgId, "--id", only!.id, "--force")).code).toBe(0);
    expect(await activeSigningSecrets(solo.orgId)).toHaveLength(0);
  });

  it("answers bad input with a message and an exit code, not a stack", async () => {
    expect((await cli("rotate")).code).toBe(2);
    expect((await cli("revoke", "--org-id", org.orgId, "--id", "not-a-uuid")).code).toBe(1);
    expect((await cli("revoke", "--org-id", org.orgId, "--id", "00000000-0000-4000-8000-000000000000")).err).toContain("no active signing secret");
    expect((await cli("rotate", "--org-id", "00000000-0000-4000-8000-000000000000")).err).toContain("not registered");
    expect((await cli("frobnicate")).code).toBe(2);
    expect((await cli("list", "--bogus")).code).toBe(2);
    // Another org's secret id cannot be revoked through this org.
    const other = await newOrg();
    const [theirs] = await listSigningSecrets(other.orgId);
    expect((await cli("revoke", "--org-id", org.orgId, "--id", theirs!.id)).code).toBe(1);
    await expect(revokeSigningSecret(org.orgId, theirs!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("re-seals every secret with a new ENCRYPTION_KEY, after which the old key can go", async () => {
    const oldKey = process.env.ENCRYPTION_KEY!;
    const newKey = randomBytes(32).toString("base64");
    const prisma = await db();
    const oldKeyId = sealedKeyId((await prisma.signingSecret.findFirstOrThrow()).secretEnc);

    vi.stubEnv("ENCRYPTION_KEY", newKey);
    vi.stubEnv("ENCRYPTION_KEYS_OLD", `old:${oldKey}`);
    resetEnvCache();
    expect(await beat(signed(org.signingSecret, ""))).toBe(200); // still opens with the old key
    const resealed = await cli("reseal");
    expect(resealed.code).toBe(0);
    expect(resealed.out).toMatch(/Re-sealed [1-9]\d* signing secret/);
    const ids = new Set((await prisma.signingSecret.findMany()).map((r) => sealedKeyId(r.secretEnc)));
    expect(ids.has(oldKeyId)).toBe(false);
    expect((await cli("reseal")).out).toMatch(/Re-sealed 0 signing/); // idempotent

    vi.stubEnv("ENCRYPTION_KEYS_OLD", "");
    resetEnvCache();
    expect(await beat(signed(org.signingSecret, ""))).toBe(200);
  });
});

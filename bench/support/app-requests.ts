// What the bench sends the app: bodies, signatures, a token, and the setup
// of workflows with a task each (whose callback paths the callback cells use).
import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { CreatedOrg } from "@/lib/orgs/create-org";
import { expectStatus, LoopbackClient } from "./http-client";
import { runLoad } from "./load-loop";

// Fixed so that the seeding process and the server agree; it only ever seals bench data.
export const benchEncryptionKey = Buffer.from("longrun-bench-fixed-key-32bytes!").toString("base64");

// The rate limiter stays on (its counters are part of what a request costs),
// with limits that one bench client set cannot reach: the bench measures
// throughput, not the limiter's refusals.
export const unreachableLimits = Object.fromEntries(
  [
    "RATE_LIMIT_CLIENT_PER_MINUTE",
    "RATE_LIMIT_ORG_PER_MINUTE",
    "RATE_LIMIT_TOKEN_CLIENT_PER_MINUTE",
    "RATE_LIMIT_TOKEN_PEER_PER_MINUTE",
    "RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE",
    "RATE_LIMIT_WEBHOOK_ORG_PER_MINUTE",
  ].map((name) => [name, "10000000"]),
);

export const taskBody = JSON.stringify({ task_type: "BENCH", payload: {}, dispatch: false });
export const callbackBody = JSON.stringify({ status: "COMPLETED", result: "SUCCESS", result_data: { score: 712 } });

export function initiateBody(workflowId: string): string {
  return JSON.stringify({
    workflow_id: workflowId,
    customer_id: "CUST-BENCH",
    conversation_id: randomUUID(),
    timestamp: new Date().toISOString(),
    status: "INITIATED",
    context: { product: "card", amount: 1200 },
  });
}

export function signatureHeaders(webhook: Webhook, body: string): Record<string, string> {
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": webhook.sign(id, at, body) };
}

export async function accessToken(baseUrl: string, org: CreatedOrg): Promise<string> {
  const client = new LoopbackClient(baseUrl, 1);
  try {
    const response = expectStatus(
      await client.postJson("/api/oauth/token", { grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret }),
      200,
      "token",
    );
    return (JSON.parse(response.body) as { access_token: string }).access_token;
  } finally {
    client.close();
  }
}

/** `count` workflows with a task each, made through the app; returns each task's callback path (with its query). */
export async function prepareCallbackTargets(baseUrl: string, token: string, count: number, concurrency = 16): Promise<string[]> {
  const client = new LoopbackClient(baseUrl, concurrency);
  const auth = { authorization: `Bearer ${token}` };
  const paths: string[] = [];
  try {
    const result = await runLoad({ concurrency, durationMs: 30 * 60_000, maxOps: count }, async () => {
      const id = randomUUID();
      expectStatus(await client.postJson("/api/v1/workflows", initiateBody(id), auth), 201, "initiate");
      const response = expectStatus(await client.postJson(`/api/v1/workflows/${id}/tasks`, taskBody, auth), 202, "task");
      const url = new URL((JSON.parse(response.body) as { callback_url: string }).callback_url);
      paths.push(`${url.pathname}${url.search}`);
      return "ok";
    });
    if (result.failed > 0) throw new Error(`preparing callback targets: ${result.failed} failed: ${result.failures[0]}`);
  } finally {
    client.close();
  }
  return paths;
}

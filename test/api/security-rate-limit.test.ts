// Rate limits per client and per org on /api/v1, on the token endpoint and on
// signed webhooks; counters shared by every app instance through the database.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as token } from "@/app/api/oauth/token/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as heartbeat } from "@/app/api/v1/workflows/[id]/tasks/[taskId]/heartbeat/route";
import { createApiClient } from "@/lib/auth/client-credentials";
import { clock } from "@/lib/clock";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { peerHeader } from "@/lib/security/peer-header";
import { RateLimiter, reservationSize } from "@/lib/security/rate-limiter";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";

// Every test starts at the top of its own minute, three minutes after the last one (out of its sliding window).
let minute = Date.UTC(2026, 10, 27, 9, 0, 0);
let now = new Date(minute);
const restoreClock = clock.set(() => now);
function freshMinute(offsetSeconds = 0): void {
  minute += 180_000;
  now = new Date(minute + offsetSeconds * 1000);
}

let org: TestOrg;

beforeAll(async () => {
  vi.stubEnv("LONGRUN_PEER_HEADER", "1");
  org = await newOrg();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.stubEnv("LONGRUN_PEER_HEADER", "1");
});
afterAll(() => {
  restoreClock();
  vi.unstubAllEnvs();
});

const read = (who: TestOrg | string, id = randomUUID()) =>
  call(getWorkflow, `/api/v1/workflows/${id}`, { params: { id }, token: typeof who === "string" ? who : who.token });

async function tokenFor(clientId: string, clientSecret: string, from: Record<string, string> = {}) {
  return call(token, "/api/oauth/token", { rawBody: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }).toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...from } });
}

async function expectLimited(res: Response): Promise<number> {
  expect(res.status).toBe(429);
  expect(await jsonOf(res)).toMatchObject({ error: { code: "RATE_LIMITED" } });
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 120).toBe(true);
  expect(res.headers.get("x-request-id")).toBeTruthy();
  return retryAfter;
}

describe("/api/v1 limits", () => {
  it("limits each client per minute, answering 429 RATE_LIMITED with a Retry-After that is honest", async () => {
    vi.stubEnv("RATE_LIMIT_CLIENT_PER_MINUTE", "5");
    freshMinute(10);
    for (let i = 0; i < 5; i++) expect((await read(org)).status).toBe(404);
    const retryAfter = await expectLimited(await read(org));
    // Refused requests are not counted, so hammering neither extends the wait nor shrinks the next minute's budget.
    for (let i = 0; i < 20; i++) await expectLimited(await read(org));
    // Two seconds early is still too early; at Retry-After it goes through.
    now = new Date(minute + 10_000 + (retryAfter - 2) * 1000);
    await expectLimited(await read(org));
    now = new Date(minute + 10_000 + retryAfter * 1000);
    expect((await read(org)).status).toBe(404);
  });

  it("limits an org across all its clients, and leaves other orgs alone", async () => {
    vi.stubEnv("RATE_LIMIT_ORG_PER_MINUTE", "6");
    freshMinute();
    const second = await createApiClient(org.orgId, "second flow");
    const secondToken = (await jsonOf<{ access_token: string }>(await tokenFor(second.clientId, second.clientSecret))).access_token;
    const other = await newOrg();
    for (let i = 0; i < 3; i++) {
      expect((await read(org)).status).toBe(404);
      expect((await read(secondToken)).status).toBe(404);
    }
    await expectLimited(await read(org));
    await expectLimited(await read(secondToken));
    expect((await read(other)).status).toBe(404);
  });

  it("counts writes and reads alike and refuses before doing any work", async () => {
    vi.stubEnv("RATE_LIMIT_CLIENT_PER_MINUTE", "2");
    freshMinute();
    const writer = await newOrg();
    const body = workflowBody();
    expect((await call(initiate, "/x", { body, token: writer.token })).status).toBe(201);
    expect((await read(writer, body.workflow_id)).status).toBe(200);
    const refused = await call(initiate, "/x", { body: workflowBody(), token: writer.token });
    await expectLimited(refused);
  });

  it("does not charge anonymous or invalid-token requests to anyone's budget", async () => {
    vi.stubEnv("RATE_LIMIT_CLIENT_PER_MINUTE", "2");
    freshMinute();
    const victim = await newOrg();
    for (let i = 0; i < 10; i++) expect((await read("lrt_forged")).status).toBe(401);
    expect((await read(victim)).status).toBe(404);
  });
});

describe("token endpoint limits", () => {
  it("limits per client id, before the secret is checked", async () => {
    vi.stubEnv("RATE_LIMIT_TOKEN_CLIENT_PER_MINUTE", "3");
    freshMinute();
    const fresh = await createApiClient(org.orgId, "tokens");
    expect((await tokenFor(fresh.clientId, "wrong")).status).toBe(401);
    expect((await tokenFor(fresh.clientId, "wrong")).status).toBe(401);
    expect((await tokenFor(fresh.clientId, fresh.clientSecret)).status).toBe(200);
    await expectLimited(await tokenFor(fresh.clientId, fresh.clientSecret));
    const another = await createApiClient(org.orgId, "tokens 2");
    expect((await tokenFor(another.clientId, another.clientSecret)).status).toBe(200);
  });

  it("limits per peer address, whatever client ids it tries", async () => {
    vi.stubEnv("RATE_LIMIT_TOKEN_PEER_PER_MINUTE", "4");
    freshMinute();
    const from = { [peerHeader]: "192.0.2.33" };
    for (let i = 0; i < 4; i++) expect((await tokenFor(`lr_guess${i}`, "x", from)).status).toBe(401);
    await expectLimited(await tokenFor("lr_guess9", "x", from));
    // A spoofed forwarding header does not get a fresh budget.
    await expectLimited(await tokenFor("lr_guess10", "x", { ...from, "x-forwarded-for": "203.0.113.1" }));
    const fresh = await createApiClient(org.orgId, "elsewhere");
    expect((await tokenFor(fresh.clientId, fresh.clientSecret, { [peerHeader]: "192.0.2.34" })).status).toBe(200);
  });
});

describe("webhook limits", () => {
  it("limits per peer before verification and per org after it", async () => {
    freshMinute();
    const body = workflowBody();
    await call(initiate, "/x", { body, token: org.token });
    const task = await jsonOf<{ task_id: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "KYC", dispatch: false }, token: org.token }));
    const beat = (headers: Record<string, string>) =>
      call(heartbeat, "/x", { params: { id: body.workflow_id, taskId: task.task_id }, rawBody: "", headers });

    vi.stubEnv("RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE", "3");
    const noisy = { [peerHeader]: "198.51.100.200" };
    expect((await beat(noisy)).status).toBe(401); // unsigned noise counts against the peer
    expect((await beat({ ...noisy, ...signed(org.signingSecret, "") })).status).toBe(200);
    expect((await beat({ ...noisy, ...signed(org.signingSecret, "") })).status).toBe(200);
    await expectLimited(await beat({ ...noisy, ...signed(org.signingSecret, "") }));

    vi.stubEnv("RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE", "1000");
    vi.stubEnv("RATE_LIMIT_WEBHOOK_ORG_PER_MINUTE", "2");
    freshMinute();
    expect((await beat({ [peerHeader]: "198.51.100.1", ...signed(org.signingSecret, "") })).status).toBe(200);
    expect((await beat({ [peerHeader]: "198.51.100.2", ...signed(org.signingSecret, "") })).status).toBe(200);
    const limited = await beat({ [peerHeader]: "198.51.100.3", ...signed(org.signingSecret, "") });
    await expectLimited(limited);
    // A 429 is not remembered as the webhook's answer: the sender's retry can succeed later.
    expect(limited.headers.get("webhook-replayed")).toBeNull();
  });
});

describe("shared by two app instances on one database", () => {
  let clients: PrismaClient[] = [];

  beforeAll(async () => {
    const url = process.env.DATABASE_URL!;
    // Two instances = two connection pools on the same PostgreSQL database.
    const { PrismaPg } = await import("@prisma/adapter-pg");
    clients = [new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 5 }) }), new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 5 }) })];
  });
  afterAll(async () => {
    for (const c of clients) await c.$disconnect();
  });

  it("counts together: alternating and concurrent hits on two limiters admit exactly the limit", async () => {
    const [a, b] = clients.map((c) => new RateLimiter(async () => c)) as [RateLimiter, RateLimiter];
    const at = new Date(Date.UTC(2026, 10, 27, 10, 0, 0));
    const limit = { key: `shared:${randomUUID()}`, limit: 10, windowSeconds: 60 };
    const sequential: boolean[] = [];
    for (let i = 0; i < 12; i++) sequential.push((await (i % 2 === 0 ? a : b).hit([limit], at)).allowed);
    expect(sequential.filter(Boolean)).toHaveLength(10);
    expect(sequential.slice(10)).toEqual([false, false]);

    const burst = { key: `burst:${randomUUID()}`, limit: 25, windowSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).hit([burst, { key: `other:${i % 3}`, limit: 1000, windowSeconds: 60 }], at)));
    expect(results.filter((r) => r.allowed)).toHaveLength(25);
    // Each instance sees the other's counts (admitted requests only, plus this one).
    const seenByA = await a.hit([{ ...burst, limit: 1000 }], at);
    expect(seenByA.states[0]!.used).toBe(26);
  });

  it("decides a burst on one limiter as if request by request: exactly the limit, and only admitted hits stay counted", async () => {
    const [a, b] = clients.map((c) => new RateLimiter(async () => c)) as [RateLimiter, RateLimiter];
    const at = new Date(Date.UTC(2026, 10, 27, 12, 0, 30));
    const hot = { key: `hot:${randomUUID()}`, limit: 150, windowSeconds: 60 };
    // Half of the requests also carry a tight second limit: they are refused by it without using up `hot`.
    const tight = { key: `tight:${randomUUID()}`, limit: 20, windowSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => a.hit(i % 2 === 0 ? [hot] : [hot, tight], at)));
    const admitted = results.filter((r) => r.allowed).length;
    expect(admitted).toBe(150);
    expect(results.filter((r, i) => r.allowed && i % 2 === 1)).toHaveLength(20);
    // Seen from another instance: the admitted hits, plus its own.
    const seen = await b.hit([{ ...hot, limit: 1000 }, { ...tight, limit: 1000 }], at);
    expect(seen.states.map((state) => state.used)).toEqual([151, 21]);
  });

  it("decides a burst that straddles a window boundary as if request by request", async () => {
    const [a, b] = clients.map((c) => new RateLimiter(async () => c)) as [RateLimiter, RateLimiter];
    const key = { key: `edge:${randomUUID()}`, limit: 12, windowSeconds: 60 };
    const t0 = Date.UTC(2026, 10, 27, 13, 0, 0);
    const late = new Date(t0 + 59_000);
    const early = new Date(t0 + 61_000);
    const results = await Promise.all([...Array.from({ length: 10 }, () => a.hit([key], late)), ...Array.from({ length: 10 }, () => a.hit([key], early))]);
    expect(results.slice(0, 10).every((r) => r.allowed)).toBe(true);
    // One second into the next minute, 10 × 59/60 of the last one still count: 2 more fit, not 10.
    expect(results.slice(10).filter((r) => r.allowed)).toHaveLength(2);
    expect((await b.hit([{ ...key, limit: 1000 }], early)).states[0]!.used).toBeCloseTo((10 * 59) / 60 + 3, 5);
  });

  it("slides: the previous minute still weighs on the next, then fades", async () => {
    const [a, b] = clients.map((c) => new RateLimiter(async () => c)) as [RateLimiter, RateLimiter];
    const key = { key: `slide:${randomUUID()}`, limit: 10, windowSeconds: 60 };
    const t0 = Date.UTC(2026, 10, 27, 11, 0, 0);
    for (let i = 0; i < 10; i++) expect((await a.hit([key], new Date(t0 + 50_000))).allowed).toBe(true);
    // 15 s into the next minute, 10 × 45/60 = 7.5 of the last minute still count: 2 more fit, not 10.
    const next = [];
    for (let i = 0; i < 4; i++) next.push((await b.hit([key], new Date(t0 + 75_000))).allowed);
    expect(next).toEqual([true, true, false, false]);
    expect((await a.hit([key], new Date(t0 + 180_000))).allowed).toBe(true);
  });

  it("reserves ahead far from a limit: the reserved requests are admitted without a write, and the other instance counts them", async () => {
    const [a, b] = clients.map((c) => new RateLimiter(async () => c)) as [RateLimiter, RateLimiter];
    const at = new Date(Date.UTC(2026, 10, 27, 11, 0, 0));
    const key = { key: `ahead:${randomUUID()}`, limit: 1000, windowSeconds: 60 };
    const stored = async () => (await clients[0]!.rateLimitBucket.findMany({ where: { key: key.key } })).reduce((sum, r) => sum + r.count, 0);
    expect(reservationSize(key.limit)).toBe(20);
    expect((await a.hit([key], at)).allowed).toBe(true); // a first request decides exactly
    expect(await stored()).toBe(1);
    expect((await a.hit([key], at)).states[0]!.used).toBe(2); // the second reserves 20 ahead
    expect(await stored()).toBe(22);
    for (let i = 0; i < 20; i++) expect((await a.hit([key], at)).states[0]!.used).toBe(3 + i);
    expect(await stored()).toBe(22); // admitted from the reservation: nothing written
    // The other instance sees the reserved requests as used.
    expect((await b.hit([key], at)).states[0]!.used).toBe(23);
  });

  it("never lets two reserving instances admit more than the limit, and gives back what was reserved and unused when the window ends", async () => {
    const [a, b] = clients.map((c) => new RateLimiter(async () => c)) as [RateLimiter, RateLimiter];
    const t0 = Date.UTC(2026, 10, 27, 12, 0, 0);
    const key = { key: `race:${randomUUID()}`, limit: 200, windowSeconds: 60 };
    const at = new Date(t0 + 10_000);
    const results: boolean[] = [];
    // Waves of concurrent requests on both: each instance reserves (4 at a time) while far from the limit.
    for (let wave = 0; wave < 30; wave++) {
      const decisions = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).hit([key], at)));
      results.push(...decisions.map((d) => d.allowed));
    }
    const admitted = results.filter(Boolean).length;
    expect(admitted).toBeLessThanOrEqual(200);
    // Refusing early by at most what the two hold reserved and unused.
    expect(admitted).toBeGreaterThanOrEqual(200 - 2 * reservationSize(key.limit));
    const windowCount = async (k: string) => (await clients[0]!.rateLimitBucket.findUnique({ where: { key_windowStart: { key: k, windowStart: new Date(t0) } } }))?.count;
    expect(await windowCount(key.key)).toBeGreaterThanOrEqual(admitted);

    // Two requests on each instance: each holds a reservation of 4 it has not used.
    const quiet = { key: `quiet:${randomUUID()}`, limit: 200, windowSeconds: 60 };
    for (const limiter of [a, b, a, b]) expect((await limiter.hit([quiet], at)).allowed).toBe(true);
    expect(await windowCount(quiet.key)).toBe(4 + 2 * reservationSize(quiet.limit));
    // The next window: each instance gives its spare back, so the minute counts exactly what it admitted.
    for (const limiter of [a, b]) await limiter.hit([quiet], new Date(t0 + 61_000));
    expect(await windowCount(quiet.key)).toBe(4);
  });

  it("prunes windows nobody reads any more", async () => {
    const [a] = clients.map((c) => new RateLimiter(async () => c)) as [RateLimiter];
    const old = new Date(Date.UTC(2026, 10, 20, 0, 0, 0));
    await a.hit([{ key: `old:${randomUUID()}`, limit: 5, windowSeconds: 60 }], old);
    expect(await a.prune(new Date(old.getTime() + 2 * 3600_000))).toBeGreaterThanOrEqual(1);
  });
});

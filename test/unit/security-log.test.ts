// No secrets, tokens or signing material in logs or error answers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { log } from "@/lib/log";
import { errorResponse } from "@/lib/http/api-route";
import { apiSecurityHeaders } from "@/lib/security/security-headers";

const secrets = {
  signing: "whsec_MfKQ9r0GdnkEdEh1bJTYGm+1pV3O7IAjy3LcO8FHqgk=",
  client: "lrs_3q2Gx0b9C8yJm7vZ-pQ_wRt5nUe1aKs4dLf6hJ0oXyE",
  token: "lrt_Zx9Kq2Wm4Rt6Yp8Ns0Lb3Vc5Xd7Fg9Hj1Ka3Sd5Fg7H",
  genesys: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJl",
  signature: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
};

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  vi.stubEnv("LOG_LEVEL", "debug");
  const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  vi.spyOn(console, "log").mockImplementation(capture);
  vi.spyOn(console, "error").mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function written(): string {
  return lines.join("\n");
}

function expectNoSecrets(text: string): void {
  for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
  expect(text).not.toContain(secrets.signing.slice(6, 30));
}

describe("log redaction", () => {
  it("redacts secret-named keys at any depth it writes, and cuts off deeper objects", () => {
    log.info("x", {
      clientSecret: secrets.client,
      headers: { authorization: `Bearer ${secrets.token}`, "webhook-signature": secrets.signature, cookie: "s=1" },
      nested: { a: { b: { c: { d: { e: { f: { g: { h: { password: "hunter2" } } } } } } } } },
      list: [{ access_token: secrets.token }],
    });
    expectNoSecrets(written());
    expect(written()).not.toContain("hunter2");
    expect(written()).toContain("[redacted]");
  });

  it("redacts secrets inside free text under innocent keys", () => {
    log.warn("y", {
      message: `sender used ${secrets.signing} and ${secrets.client}`,
      detail: `Authorization: Bearer ${secrets.genesys}; got ${secrets.signature}`,
      basic: `Basic ${Buffer.from(`lr_abc:${secrets.client}`).toString("base64")}`,
      list: [`token ${secrets.token}`],
    });
    expectNoSecrets(written());
    expect(written()).not.toContain(Buffer.from(`lr_abc:${secrets.client}`).toString("base64"));
  });

  it("keeps what operators need: ids, addresses, codes", () => {
    log.warn("webhook.source_refused", { orgId: "3f0c…", peer: "203.0.113.5", reason: "peer 203.0.113.5 is not in the org's source allowlist", webhookId: "msg_123" });
    expect(written()).toContain("203.0.113.5");
    expect(written()).toContain("msg_123");
  });
});

describe("error answers", () => {
  it("never show a stack, the internal message or a secret; the log line keeps the stack without the secret", async () => {
    const error = new Error(`database said no for ${secrets.signing}`);
    const response = errorResponse(error, "req-1");
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: "INTERNAL", message: "internal error; quote the request id to support" } });
    expect(text).not.toMatch(/at .*\.ts|database said/);
    expectNoSecrets(written());
    expect(written()).toContain("request.crashed");
    expect(written()).toContain("security-log.test.ts");
  });
});

describe("API security headers", () => {
  it("forbid framing, sniffing and referrers; HSTS only in production", () => {
    const headers = apiSecurityHeaders();
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    expect(headers["strict-transport-security"]).toBeUndefined();
    vi.stubEnv("NODE_ENV", "production");
    expect(apiSecurityHeaders()["strict-transport-security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
  });
});

// Genesys Cloud's users/me for agent tokens (msw, in-process): the panel's
// routes ask it who a token belongs to. Unknown tokens get Genesys's 401;
// anything else under the API is "not found".
import { randomUUID } from "node:crypto";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

export interface AgentDirectory {
  /** Registers a token for an agent of the org; returns the token. */
  agentOf(orgId: string, token?: string): string;
  close(): void;
}

export function startAgentDirectory(): AgentDirectory {
  const tokens = new Map<string, { id: string; name: string; organization: { id: string }; languagePreference: string }>();
  const server = setupServer(
    http.get("https://api.mypurecloud.com/api/v2/users/me", ({ request }) => {
      const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
      const me = tokens.get(token);
      return me ? HttpResponse.json(me) : HttpResponse.json({ status: 401, code: "bad.credentials" }, { status: 401 });
    }),
    http.all("https://api.mypurecloud.com/*", () => HttpResponse.json({ status: 404, code: "not.found" }, { status: 404 })),
    http.all("https://login.mypurecloud.com/*", () => HttpResponse.json({ error: "invalid_client" }, { status: 401 })),
  );
  server.listen({ onUnhandledRequest: "bypass" });
  return {
    agentOf(orgId, token = `agent-${randomUUID()}`) {
      tokens.set(token, { id: randomUUID(), name: "Test Agent", organization: { id: orgId }, languagePreference: "en-us" });
      return token;
    },
    close: () => server.close(),
  };
}

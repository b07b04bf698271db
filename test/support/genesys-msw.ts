// msw handlers playing Genesys Cloud's Platform API for in-process tests: the
// only thing faked, because Genesys cannot be reached from a test. Every
// request is recorded so tests can assert exactly what the SDK sent.
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export interface GenesysFake {
  requests: RecordedRequest[];
  /** Scripted replies for a path ("POST /api/v2/flows/executions"); the last one repeats. */
  script(route: string, ...replies: Reply[]): void;
  /** The conversation Genesys reports for an id. */
  setConversation(id: string, conversation: Record<string, unknown>): void;
  /** An agent's user token: GET /api/v2/users/me answers who it is; any other bearer gets 401. */
  addAgent(token: string, agent: { userId: string; orgId: string; name?: string }): void;
  tokenFor(clientId: string): string;
  reset(): void;
  close(): void;
}

/** A request body as the fake keeps it: parsed JSON, or the text itself (form bodies). */
export function bodyOfText(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return text;
  }
}

export function connectedConversation(id: string, ani = "tel:+15551234567") {
  return {
    id,
    participants: [
      { purpose: "customer", ani, name: "Pat Customer", calls: [{ state: "connected" }] },
      { purpose: "agent", calls: [{ state: "connected" }] },
    ],
  };
}

export function endedConversation(id: string, ani = "tel:+15551234567") {
  return {
    id,
    endTime: "2026-11-27T12:10:00.000Z",
    participants: [{ purpose: "customer", ani, name: "Pat Customer", endTime: "2026-11-27T12:10:00.000Z", calls: [{ state: "disconnected" }] }],
  };
}

export function startGenesysFake(region = "mypurecloud.com"): GenesysFake {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, Reply[]>();
  const conversations = new Map<string, Record<string, unknown>>();
  const agents = new Map<string, { userId: string; orgId: string; name?: string }>();
  const api = `https://api.${region}`;
  const login = `https://login.${region}`;

  async function record(request: Request): Promise<RecordedRequest> {
    const url = new URL(request.url);
    const entry = { method: request.method, url: request.url, path: url.pathname, authorization: request.headers.get("authorization"), body: bodyOfText(await request.text()) };
    requests.push(entry);
    return entry;
  }

  function scripted(route: string): Reply | undefined {
    const list = scripts.get(route);
    if (!list || list.length === 0) return undefined;
    return list.length > 1 ? list.shift() : list[0];
  }

  function reply(r: Reply) {
    return HttpResponse.json((r.body ?? {}) as Record<string, unknown>, { status: r.status, headers: r.headers });
  }

  /** Records the request, then answers with the test's script for `route` if it has one, else with `answer`. */
  function scriptable(route: string, answer: (entry: RecordedRequest, params: Record<string, unknown>) => ReturnType<typeof reply>) {
    return async ({ request, params }: { request: Request; params: Record<string, unknown> }) => {
      const entry = await record(request);
      const custom = scripted(route);
      return custom ? reply(custom) : answer(entry, params);
    };
  }

  const server = setupServer(
    http.post(`${login}/oauth/token`, scriptable("POST /oauth/token", (entry) => {
      const basic = Buffer.from((entry.authorization ?? "").replace(/^Basic /, ""), "base64").toString("utf8");
      const clientId = basic.split(":")[0] ?? "";
      return HttpResponse.json({ access_token: `token-for-${clientId}`, token_type: "bearer", expires_in: 86400 });
    })),
    // Users/me with an agent's token (UsersApi.getUsersMe, expand=organization): 401 for a token Genesys never issued.
    http.get(`${api}/api/v2/users/me`, scriptable("GET /api/v2/users/me", (entry) => {
      const agent = agents.get((entry.authorization ?? "").replace(/^Bearer /, ""));
      if (!agent) return HttpResponse.json({ code: "bad.credentials", message: "Invalid login credentials." }, { status: 401 });
      return HttpResponse.json({ id: agent.userId, name: agent.name ?? "Agent", organization: { id: agent.orgId } });
    })),
    http.get(`${api}/api/v2/conversations/:id`, scriptable("GET /api/v2/conversations", (entry, params) => {
      if (!/^Bearer \S+$/.test(entry.authorization ?? "")) return HttpResponse.json({ code: "bad.credentials", message: "Invalid login credentials." }, { status: 401 });
      const conversation = conversations.get(String(params.id));
      return conversation ? HttpResponse.json(conversation) : HttpResponse.json({ code: "not.found", message: "conversation not found" }, { status: 404 });
    })),
    http.post(`${api}/api/v2/flows/executions`, scriptable("POST /api/v2/flows/executions", () => HttpResponse.json({ id: `exec-${requests.length}`, name: "launched" }, { status: 200 }))),
    http.post(`${api}/api/v2/conversations/callbacks`, scriptable("POST /api/v2/conversations/callbacks", () =>
      HttpResponse.json({ conversation: { id: `callback-conv-${requests.length}` }, callbackIdentifiers: [] }, { status: 200 }),
    )),
    // Agentless SMS: refuses what the SDK model marks required or out of range
    // (SendAgentlessOutboundMessageRequest: fromAddress, toAddressMessengerType, textBody for SMS ≤ 765, E.164 toAddress).
    http.post(`${api}/api/v2/conversations/messages/agentless`, scriptable("POST /api/v2/conversations/messages/agentless", (entry) => {
      const body = (entry.body ?? {}) as Record<string, unknown>;
      const problem =
        typeof body.fromAddress !== "string" || body.fromAddress === "" ? "fromAddress is required"
        : !["sms", "whatsapp", "open"].includes(String(body.toAddressMessengerType)) ? "toAddressMessengerType must be sms, whatsapp or open"
        : body.toAddressMessengerType === "sms" && (typeof body.textBody !== "string" || body.textBody.length === 0) ? "textBody is required for sms"
        : typeof body.textBody === "string" && body.textBody.length > 765 ? "textBody exceeds 765 characters"
        : body.toAddressMessengerType === "sms" && !/^\+[1-9]\d{6,14}$/.test(String(body.toAddress)) ? "toAddress must be E.164"
        : null;
      if (problem) return HttpResponse.json({ status: 400, code: "bad.request", message: problem }, { status: 400 });
      return HttpResponse.json({ id: `msg-${requests.length}`, conversationId: `sms-conv-${requests.length}`, fromAddress: body.fromAddress, toAddress: body.toAddress, messengerType: "sms" });
    })),
    // Agentless email (AgentlessEmailSendRequestDto: senderType, fromAddress.email, exactly one of toAddresses).
    http.post(`${api}/api/v2/conversations/emails/agentless`, scriptable("POST /api/v2/conversations/emails/agentless", (entry) => {
      const body = (entry.body ?? {}) as { senderType?: unknown; fromAddress?: { email?: unknown }; toAddresses?: unknown[] };
      const problem =
        body.senderType !== "Outbound" ? "senderType must be Outbound"
        : typeof body.fromAddress?.email !== "string" ? "fromAddress.email is required"
        : !Array.isArray(body.toAddresses) || body.toAddresses.length !== 1 ? "exactly one recipient is supported"
        : null;
      if (problem) return HttpResponse.json({ status: 400, code: "bad.request", message: problem }, { status: 400 });
      return HttpResponse.json({ id: `email-${requests.length}`, conversationId: `email-conv-${requests.length}`, senderType: "Outbound", dateCreated: new Date().toISOString() });
    })),
  );
  server.listen({ onUnhandledRequest: "bypass" });

  return {
    requests,
    script: (route, ...replies) => scripts.set(route, replies),
    setConversation: (id, conversation) => conversations.set(id, conversation),
    addAgent: (token, agent) => agents.set(token, agent),
    tokenFor: (clientId) => `token-for-${clientId}`,
    reset: () => {
      requests.length = 0;
      scripts.clear();
    },
    close: () => server.close(),
  };
}

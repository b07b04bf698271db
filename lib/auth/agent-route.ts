// Route wrapper for the agent panel's API: the caller is an agent holding a
// Genesys token (lib/auth/agent-token.ts), not a data-action client.
import { publicRoute, type RouteContext } from "@/lib/http/api-route";
import { authenticateAgent, type AgentPrincipal } from "@/lib/auth/agent-token";
import { enforceRateLimits } from "@/lib/security/rate-limiter";
import { apiLimits } from "@/lib/security/request-limits";

type AgentHandler<P> = (ctx: RouteContext<P> & { agent: AgentPrincipal }) => Promise<Response>;

export function agentRoute<P = Record<string, never>>(handler: AgentHandler<P>) {
  return publicRoute<P>(async (ctx) => {
    const agent = await authenticateAgent(ctx.request);
    // The same per-org budget as data actions, and a per-agent one like a client's (lib/security/request-limits.ts).
    await enforceRateLimits(apiLimits({ orgId: agent.orgId, clientId: `agent:${agent.userId}` }), { orgId: agent.orgId, requestId: ctx.requestId });
    return handler({ ...ctx, agent });
  });
}

// Token endpoint for Genesys "User Defined (OAuth)" credentials: form or JSON
// body, client credentials in a Basic header or in the body.
import { AppError } from "@/lib/errors/app-error";
import { tokenRequestSchema } from "@/lib/api/schemas";
import { clientCredentialsFrom, issueAccessToken } from "@/lib/auth/client-credentials";
import { json, publicRoute, routeMethods } from "@/lib/http/api-route";
import { mediaType, parseJson, readBodyText, validate } from "@/lib/http/read-body";
import { enforceRateLimits } from "@/lib/security/rate-limiter";
import { tokenClientLimit, tokenPeerLimit } from "@/lib/security/request-limits";

export const dynamic = "force-dynamic";

const post = publicRoute(async ({ request, peer }) => {
  await enforceRateLimits([tokenPeerLimit(peer)], { route: "token", peer: peer.address });
  const type = mediaType(request);
  const text = await readBodyText(request, 8 * 1024);
  let fields: unknown;
  if (type === "application/x-www-form-urlencoded") fields = Object.fromEntries(new URLSearchParams(text));
  else if (type === "application/json") fields = parseJson(text);
  else throw new AppError("UNSUPPORTED_MEDIA_TYPE", "send application/x-www-form-urlencoded or application/json");
  const body = validate(tokenRequestSchema, fields);
  const credentials = clientCredentialsFrom(request.headers.get("authorization"), body);
  // Before the secret check: scrypt is the expensive part, and guesses at one client id are what to slow down.
  await enforceRateLimits([tokenClientLimit(credentials.clientId)], { route: "token", clientId: credentials.clientId });
  const token = await issueAccessToken(credentials, body.scope);
  return json(token, 200, { pragma: "no-cache" });
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });

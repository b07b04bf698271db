// Headers every API response carries, whether or not a proxy or next.config's
// headers() adds them too: API answers are data, never pages, so nothing may
// frame, sniff or cache them, and nothing leaks through the Referer.
export function apiSecurityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
  };
  if (process.env.NODE_ENV === "production") headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/** Adds the headers in place, or on a copy when the response's headers are immutable (e.g. Response.redirect). */
export function withSecurityHeaders(response: Response, extra: Record<string, string> = {}): Response {
  const headers = { ...apiSecurityHeaders(), ...extra };
  try {
    for (const [name, value] of Object.entries(headers)) {
      // A handler that chose its own policy (e.g. a stream) keeps it.
      if (!response.headers.has(name) || name === "x-request-id") response.headers.set(name, value);
    }
    return response;
  } catch {
    const copy = new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
    for (const [name, value] of Object.entries(headers)) if (!copy.headers.has(name) || name === "x-request-id") copy.headers.set(name, value);
    return copy;
  }
}

import { env } from "@/lib/env";

/** Where external systems reach Longrun: PUBLIC_BASE_URL, else the request's own origin. */
export function baseUrlFor(request: Request): string {
  return env().PUBLIC_BASE_URL ?? new URL(request.url).origin;
}

// GET /api/metrics has its own secret: a scraper never holds the cron or an org's credentials.
import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";

export function authorizeScrape(authorization: string | null): void {
  const secret = env().METRICS_SECRET;
  if (!secret) throw new AppError("UNAUTHORIZED", "METRICS_SECRET is not configured; /api/metrics is disabled");
  const given = Buffer.from(authorization ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError("UNAUTHORIZED", "/api/metrics needs Authorization: Bearer $METRICS_SECRET");
  }
}

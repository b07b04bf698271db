// Time to result as a log-scale histogram: counts per bucket add up across
// hours, so the rollup can keep them per hour and the report can still read
// p50/p95 over any range of hours. Four buckets per doubling from 0.1 s: each
// bucket spans a factor of 2^(1/4), and reading a value as its bucket's
// geometric midpoint is off by at most a factor of 2^(1/8) (−8.3 % to +9.1 %).
// One SQL expression files a duration into its bucket; the rollup job and the
// report's live part both use it, so they agree to the event.
import { Prisma } from "@/lib/generated/prisma/client";

export const bucketsPerDoubling = 4;
/** Durations under this count as this (their estimate is off by under 0.12 s). */
export const smallestSeconds = 0.1;
/**
 * Bucket 0 starts at 0.1 s; the last one (from 0.1 s · 2^(119/4), about three
 * years) is open. Heartbeats extend a deadline without limit, so the top is
 * far beyond the 7-day timeout setting; empty buckets have no rows and cost nothing.
 */
export const bucketCount = 120;
/** For a time to result v ≥ 0.1 s, its estimate e satisfies v / factor < e ≤ v · factor. */
export const histogramErrorFactor = 2 ** (1 / (2 * bucketsPerDoubling));

export interface HistogramBucket {
  bucket: number;
  count: number;
}

/** The bucket of a duration in seconds (a double precision SQL expression). */
export function durationBucketSql(seconds: Prisma.Sql): Prisma.Sql {
  // Constants inlined: the same text in every statement, and no parameter types to infer.
  const perDoubling = Prisma.raw(String(bucketsPerDoubling));
  const smallest = Prisma.raw(String(smallestSeconds));
  const top = Prisma.raw(String(bucketCount - 1));
  return Prisma.sql`LEAST(GREATEST(floor(${perDoubling} * ln(GREATEST(${seconds}, ${smallest}) / ${smallest}) / ln(2)), 0), ${top})::smallint`;
}

/** The geometric midpoint of a bucket, in seconds: what every duration in it is read as. */
export function bucketMidpointSeconds(bucket: number): number {
  return smallestSeconds * 2 ** ((bucket + 0.5) / bucketsPerDoubling);
}

/**
 * percentile_cont(q) of the counted durations, each read as its bucket's
 * midpoint: the same interpolation between neighbouring ranks as
 * PostgreSQL's, so the estimate stays within histogramErrorFactor of the
 * exact percentile_cont (an interpolation of two estimates that are each
 * within the factor is within it too). null when nothing was counted.
 */
export function histogramPercentile(buckets: readonly HistogramBucket[], q: number): number | null {
  const sorted = buckets.filter((b) => b.count > 0).sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const valueAtRank = (rank: number): number => {
    let seen = 0;
    for (const b of sorted) {
      seen += b.count;
      if (rank < seen) return bucketMidpointSeconds(b.bucket);
    }
    return bucketMidpointSeconds(sorted[sorted.length - 1]!.bucket);
  };
  const position = q * (total - 1);
  const lower = Math.floor(position);
  const fraction = position - lower;
  const low = valueAtRank(lower);
  return fraction === 0 ? low : low + fraction * (valueAtRank(lower + 1) - low);
}

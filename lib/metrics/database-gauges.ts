// Figures read from the database at each scrape, so that every instance
// reports the same backlog: the outbox (deliveries due and waiting, the
// oldest due one's age) and the dead letters, by delivery kind; the open
// customer notices by kind; and this process's connection pool.
import client from "prom-client";
import { db, poolStats } from "@/lib/db/client";
import { addScrapeCollector } from "@/lib/metrics/metrics-registry";

interface DeliveryCount {
  kind: string;
  status: string;
  count: number;
  oldestDueSeconds: number | null;
}

export function registerDatabaseGauges(): void {
  addScrapeCollector("pool", (registry) => {
    const connections = new client.Gauge({
      name: "longrun_db_pool_connections",
      help: "This process's PostgreSQL pool: total (open), idle, in_use, and waiting (queries queued for a connection; above 0 for long means the pool or the database is the limit)",
      labelNames: ["state"] as const,
      registers: [registry],
    });
    const size = new client.Gauge({ name: "longrun_db_pool_max", help: "DATABASE_POOL_SIZE: the pool's most connections", registers: [registry] });
    return async () => {
      const stats = poolStats();
      size.set(Number(process.env.DATABASE_POOL_SIZE ?? 20));
      if (!stats) return;
      connections.set({ state: "total" }, stats.total);
      connections.set({ state: "idle" }, stats.idle);
      connections.set({ state: "in_use" }, stats.total - stats.idle);
      connections.set({ state: "waiting" }, stats.waiting);
    };
  });

  addScrapeCollector("notices", (registry) => {
    const open = new client.Gauge({
      name: "longrun_notices_open",
      help: "Customer notices waiting for someone to act on them (status OPEN), by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    });
    return async () => {
      const prisma = await db();
      const rows = await prisma.notice.groupBy({ by: ["kind"], where: { status: "OPEN" }, _count: { _all: true } });
      open.reset();
      for (const row of rows) open.set({ kind: row.kind }, row._count._all);
    };
  });
  addScrapeCollector("outbox", (registry) => {
    const backlog = new client.Gauge({
      name: "longrun_outbox_backlog",
      help: "Outbox deliveries not delivered yet (PENDING: due now or waiting for a retry), by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    });
    const oldest = new client.Gauge({
      name: "longrun_outbox_oldest_due_seconds",
      help: "Age of the oldest delivery that is due and not delivered, by kind (0 when none is due): grows when delivery falls behind",
      labelNames: ["kind"] as const,
      registers: [registry],
    });
    const dead = new client.Gauge({
      name: "longrun_outbox_dead_letters",
      help: "Deliveries that used up their attempts (DEAD), by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    });
    return async () => {
      const prisma = await db();
      // Served by the Delivery(status, nextAttemptAt) index: only undelivered rows are read.
      const rows = await prisma.$queryRaw<DeliveryCount[]>`
        SELECT kind, status, count(*)::int AS count,
          EXTRACT(EPOCH FROM now() - min("nextAttemptAt") FILTER (WHERE "nextAttemptAt" <= now()))::float8 AS "oldestDueSeconds"
        FROM "Delivery" WHERE status IN ('PENDING', 'DEAD') GROUP BY kind, status`;
      // Kinds that drained since the last scrape read 0, not their old value.
      backlog.reset();
      oldest.reset();
      dead.reset();
      for (const row of rows) {
        if (row.status === "PENDING") {
          backlog.set({ kind: row.kind }, row.count);
          oldest.set({ kind: row.kind }, Math.max(0, row.oldestDueSeconds ?? 0));
        } else dead.set({ kind: row.kind }, row.count);
      }
    };
  });
}

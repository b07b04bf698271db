// The fixed-size pool `npm start` keeps (DATABASE_POOL_MIN, lib/db/client.ts):
// a process of its own (the pool is a process singleton) opens its `min`
// connections at once and keeps them past node-postgres's idle timeout, on
// this file's PostgreSQL.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

async function backendsOf(appName: string): Promise<number> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [appName])).rows[0]!.n;
  } finally {
    await client.end();
  }
}

describe("the pool npm start keeps", () => {
  it("opens DATABASE_POOL_MIN connections at once and keeps them open when idle", async () => {
    const appName = `pool-warm-${randomUUID().slice(0, 8)}`;
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["test/support/pool-warm-child.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_POOL_SIZE: "5", DATABASE_POOL_MIN: "3", PGAPPNAME: appName },
      stdio: ["ignore", "pipe", "inherit"],
      // tsx runs the script in a child of its own: the whole group is stopped at the end.
      detached: true,
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0]!);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(JSON.parse(first)).toEqual({ opened: 3, stats: { total: 3, idle: 3, waiting: 0 } });
      expect(await backendsOf(appName)).toBe(3);
      // node-postgres closes idle connections after 10 s unless the pool is at its minimum.
      await new Promise((resolve) => setTimeout(resolve, 11_500));
      expect(await backendsOf(appName)).toBe(3);
    } finally {
      process.kill(-child.pid!, "SIGKILL");
    }
  }, 60_000);
});

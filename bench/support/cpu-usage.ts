// CPU time of the processes taking part in a cell, read from /proc: the app
// server (with any children), the PostgreSQL backends of the bench database,
// this process (the load generator) and the whole machine. Tells where the two
// cores went, which matters more than any single number on a shared box.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface ProcStat {
  ppid: number;
  cpuMs: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: fields start after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { ppid: Number(fields[1]), cpuMs: ((utime + stime) * 1000) / clockTicks() };
  } catch {
    return null;
  }
}

/** CPU milliseconds used so far by a process and all its descendants. */
export function processTreeCpuMs(rootPid: number): number {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  let total = 0;
  const frontier = [rootPid];
  const seen = new Set<number>();
  while (frontier.length > 0) {
    const pid = frontier.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += stats.get(pid)?.cpuMs ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) frontier.push(child);
  }
  return total;
}

/** CPU milliseconds per pid (processes that are gone are left out). */
export function pidsCpuMs(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) out.set(pid, stat.cpuMs);
  }
  return out;
}

/** Busy and total CPU milliseconds of the whole machine (all cores). */
export function machineCpuMs(): { busyMs: number; totalMs: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const toMs = (ticks: number) => (ticks * 1000) / clockTicks();
  return { busyMs: toMs(total - idle), totalMs: toMs(total) };
}

export interface CpuShares {
  /** Percent of one core over the cell's wall time. */
  appServerPct: number | null;
  databasePct: number | null;
  benchPct: number;
  /** Percent of the whole machine (all cores) that was busy, whoever used it. */
  machineBusyPct: number;
  appServerMsPerOp: number | null;
  databaseMsPerOp: number | null;
  benchMsPerOp: number | null;
}

export interface CpuProbeTargets {
  appServerPid?: number;
  /** Returns the pids of the database backends serving the bench (PostgreSQL). */
  databasePids?: () => Promise<number[]>;
}

/** Call before a cell; the returned function, called after it, gives the shares. */
export async function startCpuProbe(targets: CpuProbeTargets): Promise<(ops: number) => Promise<CpuShares>> {
  const wallStart = performance.now();
  const serverStart = targets.appServerPid ? processTreeCpuMs(targets.appServerPid) : 0;
  const dbStart = targets.databasePids ? pidsCpuMs(await targets.databasePids()) : new Map<number, number>();
  const benchStart = process.cpuUsage();
  const machineStart = machineCpuMs();
  return async (ops) => {
    const wallMs = performance.now() - wallStart;
    const bench = process.cpuUsage(benchStart);
    const machine = machineCpuMs();
    const serverMs = targets.appServerPid ? processTreeCpuMs(targets.appServerPid) - serverStart : null;
    let dbMs: number | null = null;
    if (targets.databasePids) {
      dbMs = 0;
      for (const [pid, ms] of pidsCpuMs(await targets.databasePids())) dbMs += ms - (dbStart.get(pid) ?? 0);
    }
    const pct = (ms: number) => (100 * ms) / wallMs;
    const machineTotal = machine.totalMs - machineStart.totalMs;
    return {
      appServerPct: serverMs === null ? null : pct(serverMs),
      databasePct: dbMs === null ? null : pct(dbMs),
      benchPct: pct((bench.user + bench.system) / 1000),
      machineBusyPct: machineTotal > 0 ? (100 * (machine.busyMs - machineStart.busyMs)) / machineTotal : 0,
      appServerMsPerOp: serverMs === null || ops === 0 ? null : serverMs / ops,
      databaseMsPerOp: dbMs === null || ops === 0 ? null : dbMs / ops,
      benchMsPerOp: ops === 0 ? null : (bench.user + bench.system) / 1000 / ops,
    };
  };
}

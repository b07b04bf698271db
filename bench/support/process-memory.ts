// A process's memory from /proc: resident now (VmRSS) and its peak (VmHWM).
import { readFileSync } from "node:fs";

export interface ProcessMemory {
  rssMb: number;
  peakRssMb: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 };
}

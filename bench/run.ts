// `npm run bench`: builds the app once into .next-bench, runs each benchmark
// module in turn, writes raw results to bench/results/<stamp>.json and each
// module's tables into its block of bench/README.md.
//
// Environment:
//   BENCH_SKIP_BUILD=1        reuse the existing .next-bench build (reruns)
//   BENCH_ONLY=a,b            run only these modules (by name)
//   BENCH_DATABASES=embedded,postgres
//   BENCH_CONCURRENCY=1,16,64
//   BENCH_SECONDS=6           upper bound of one measured cell
//   BENCH_POOL_SIZE=20        the app's DATABASE_POOL_SIZE and the raw ceiling's pool
//   BENCH_POSTGRES_URL        server for the bench databases (default TEST_DATABASE_URL, else local postgres:postgres)
//   BENCH_SERVER=next-start   start the app with `next start` instead of what `npm start` runs
//   BENCH_NO_README=1         do not touch bench/README.md (trial runs)
//   BENCH_OPEN_RATES=50,200,400, BENCH_OPEN_SECONDS=30   open-loop: arrival rates per second, seconds each
//   BENCH_SKIP_NPM_CI=1       footprint: leave out the fresh `npm ci` (it downloads every package)
//   BENCH_GOAL_ROUNDS=2, BENCH_GOAL_OPS=1000   callback-goals: interleaved rounds, operations per cell
//   BENCH_PROCESS_ROUNDS=2, BENCH_PROCESS_WORKFLOWS=1500   process-steps: alternating rounds, workflows per cell
//   BENCH_PROCESS_SWEEP_SIZES=1000000   process-sweep: table sizes (10,000 due in each)
//   BENCH_TIMEOUT_SWEEP_SIZES=100000,1000000   timeout-sweep: table sizes (10,000 overdue in each)
//   BENCH_COMPARE_REF=d67cad2, BENCH_COMPARE_ROUNDS=3, BENCH_COMPARE_OPS=1500   engine-compare: the older commit, rounds, operations per cell at the most clients
//   BENCH_COMPARE_DIR         engine-compare: where the older commit is unpacked, installed and built (default $TMPDIR/longrun-bench-compare)
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { callbackGoals } from "./callback-goals";
import dashboardSla from "./dashboard-sla";
import { engineCompare } from "./engine-compare";
import { engineThroughput } from "./engine-throughput";
import { footprint } from "./footprint";
import { panelLatency } from "./panel-latency";
import { openLoop } from "./open-loop";
import { timeoutSweep } from "./timeout-sweep";
import { processSteps } from "./process-steps";
import { processSweep } from "./process-sweep";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import type { DatabaseKind } from "./support/bench-database";
import { buildApp } from "./support/build-app";
import { runAllCleanups } from "./support/cleanup-registry";
import { assertLoopback } from "./support/loopback";
import { machineInfo, machineMarkdown } from "./support/machine-info";
import { writeReadmeSection } from "./support/readme-section";

/** Every benchmark, in the order they run. Add new files here. */
const modules: BenchModule[] = [callbackGoals, engineCompare, openLoop, footprint, engineThroughput, panelLatency, timeoutSweep, dashboardSla, processSteps, processSweep];

const distDir = ".next-bench";
const benchDir = import.meta.dirname;

function list(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback).split(",").map((s) => s.trim()).filter(Boolean);
}

function settingsFromEnv(): BenchSettings {
  const databases = list("BENCH_DATABASES", "embedded,postgres");
  for (const kind of databases) if (kind !== "postgres" && kind !== "embedded") throw new Error(`BENCH_DATABASES: unknown database ${kind}`);
  const concurrencies = list("BENCH_CONCURRENCY", "1,16,64").map(Number);
  if (concurrencies.some((c) => !Number.isInteger(c) || c < 1 || c > 256)) throw new Error("BENCH_CONCURRENCY: integers from 1 to 256");
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  if (!(seconds > 0 && seconds <= 60)) throw new Error("BENCH_SECONDS: a number of seconds from 1 to 60");
  const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 20);
  const postgresServerUrl = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres";
  if (databases.includes("postgres")) assertLoopback(postgresServerUrl);
  const serverEntry = process.env.BENCH_SERVER === "next-start" ? "next-start" : "npm-start";
  return {
    distDir,
    databases: databases as DatabaseKind[],
    concurrencies,
    cellMs: seconds * 1000,
    poolSize,
    serverEntry,
    postgresServerUrl,
    resultsDir: path.join(benchDir, "results"),
    runStamp: new Date().toISOString().replace(/[:.]/g, "-"),
    log: (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`),
  };
}

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const only = list("BENCH_ONLY", "");
  const selected = only.length ? modules.filter((m) => only.includes(m.name)) : modules;
  if (selected.length === 0) throw new Error(`BENCH_ONLY matches no module; modules: ${modules.map((m) => m.name).join(", ")}`);
  await mkdir(settings.resultsDir, { recursive: true });

  if (process.env.BENCH_SKIP_BUILD === "1") {
    if (!existsSync(path.join(distDir, "BUILD_ID"))) throw new Error(`BENCH_SKIP_BUILD=1 but ${distDir} holds no build; run once without it`);
    settings.log(`reusing the build in ${distDir}`);
  } else {
    settings.log(`building the app into ${distDir}`);
    await buildApp(distDir, settings.log);
  }

  const machine = await machineInfo(settings.databases.includes("postgres") ? settings.postgresServerUrl : null);
  const results: Record<string, unknown> = {};
  const readme = path.join(benchDir, "README.md");
  const write = process.env.BENCH_NO_README !== "1";
  for (const module of selected) {
    settings.log(`running ${module.name}`);
    const started = Date.now();
    const outcome = await module.run(settings);
    results[module.name] = outcome.data;
    settings.log(`${module.name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (write) await writeReadmeSection(readme, module.name, `${machineMarkdown(machine)}\n\n${outcome.markdown}`);
  }
  const file = path.join(settings.resultsDir, `${settings.runStamp}.json`);
  const server = new URL(settings.postgresServerUrl);
  server.password = server.password ? "***" : "";
  const recorded = { ...settings, postgresServerUrl: server.toString(), log: undefined };
  await writeFile(file, JSON.stringify({ machine, settings: recorded, results }, null, 2));
  settings.log(`raw results: ${path.relative(process.cwd(), file)}${write ? "; tables: bench/README.md" : ""}`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, cleaning up`);
    void runAllCleanups().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  await runAllCleanups();
}

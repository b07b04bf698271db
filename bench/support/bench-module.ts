// The contract between bench/run.ts and each benchmark file: a module gets the
// shared settings, does its own setup and cleanup, and hands back raw data
// (for bench/results/*.json) and a markdown section (for bench/README.md).
import type { ServerEntry } from "./app-server";
import type { DatabaseKind } from "./bench-database";

export interface BenchSettings {
  /** Next.js build folder the app servers start from (`NEXT_DIST_DIR`). */
  distDir: string;
  /** Databases to run against, in order. */
  databases: DatabaseKind[];
  /** Concurrent clients per cell. */
  concurrencies: number[];
  /** Upper bound of one measured cell, in milliseconds. */
  cellMs: number;
  /** Connection pool size the app gets (`DATABASE_POOL_SIZE`) and the raw ceiling uses. */
  poolSize: number;
  /** How the app is started: what `npm start` runs (default) or `next start`. */
  serverEntry: ServerEntry;
  /** PostgreSQL server the bench databases are created on (loopback only). */
  postgresServerUrl: string;
  /** Folder for raw results and server logs. */
  resultsDir: string;
  /** Timestamp of the run, used in file names. */
  runStamp: string;
  log: (message: string) => void;
}

export interface BenchOutcome {
  /** Raw numbers, written as JSON. */
  data: unknown;
  /** The section that replaces this module's block in bench/README.md. */
  markdown: string;
}

export interface BenchModule {
  /** kebab-case, also the README block key and the BENCH_ONLY name. */
  name: string;
  run: (settings: BenchSettings) => Promise<BenchOutcome>;
}

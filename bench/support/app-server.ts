// Starts the built app on a free loopback port in production mode and waits
// until /api/health answers: by default exactly the server `npm start` starts
// (the node command of package.json's "start" script, read from there, after
// its migrate step), or `next start` on the same build for comparison.
import { spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import { registerCleanup } from "./cleanup-registry";
import { freePort } from "./loopback";

const require = createRequire(import.meta.url);

export interface AppServerOptions {
  distDir: string;
  databaseUrl: string;
  encryptionKey: string;
  poolSize: number;
  /** Server stdout and stderr go here. */
  logFile: string;
  extraEnv?: Record<string, string>;
  /** How often /api/health is asked while the server starts (default 200 ms). */
  pollMs?: number;
  /** Node flags for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** What `npm start` runs (default), or `next start` on the same build. */
  entry?: ServerEntry;
  /**
   * Another checkout's server instead (engine-compare: an older commit's
   * build): its folder and the node arguments that start it there.
   */
  checkout?: { cwd: string; nodeArgs: string[] };
}

export type ServerEntry = "npm-start" | "next-start";

/**
 * The node arguments of `npm start`: the last command of package.json's
 * "start" script (`npm run db:migrate && node dist/server.js`), which must
 * be a plain `node …` so that the bench can start it without npm in between
 * and measure that very process.
 */
/** The `node` command `npm start` runs, with the environment assignments before it (e.g. `MALLOC_ARENA_MAX=1`). */
export function npmStartCommand(): { env: Record<string, string>; args: string[] } {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.start ?? "";
  const words = script.split("&&").at(-1)!.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=[^\s]*$/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split("=");
    env[name!] = value.join("=");
  }
  if (words[0] !== "node" || words.length < 2 || words.some((word) => /[$'"|;<>]/.test(word))) {
    throw new Error(`package.json "start" must end in a plain \`[VAR=value …] node <file>\` command for the bench to measure it; it is: ${script}`);
  }
  return { env, args: words.slice(1) };
}

export function npmStartNodeArgs(): string[] {
  return npmStartCommand().args;
}

/** `npm start`'s command as the tables show it. */
export function npmStartLabel(): string {
  const { env, args } = npmStartCommand();
  return [...Object.entries(env).map(([k, v]) => `${k}=${v}`), "node", ...args].join(" ");
}

/** How the tables name a server. */
export function serverEntryLabel(entry: ServerEntry): string {
  return entry === "npm-start" ? `\`npm start\` (\`${npmStartLabel()}\`)` : "`next start`";
}

export interface AppServer {
  baseUrl: string;
  pid: number;
  /** From spawn to the first 200 of /api/health. */
  readyMs: number;
  logFile: string;
  stop: () => Promise<void>;
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = createWriteStream(options.logFile, { flags: "a" });
  // `node …/next start` rather than `npx next start`: the same server without
  // an npx process in between, so that the pid measured is the server's.
  const entry = options.checkout
    ? options.checkout.nodeArgs
    : (options.entry ?? "npm-start") === "npm-start"
      ? npmStartNodeArgs()
      : [require.resolve("next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: options.checkout?.cwd ?? process.cwd(),
    env: {
      ...process.env,
      // What `npm start` sets before `node` (the checkout of another commit runs its own command).
      ...(!options.checkout && (options.entry ?? "npm-start") === "npm-start" ? npmStartCommand().env : {}),
      NEXT_DIST_DIR: options.distDir,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: options.databaseUrl,
      DATABASE_POOL_SIZE: String(options.poolSize),
      ENCRYPTION_KEY: options.encryptionKey,
      PUBLIC_BASE_URL: baseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      ...options.extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));

  const stop = registerCleanup(`stop app server ${child.pid}`, async () => {
    if (running) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  });

  const spawnedAt = performance.now();
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!running) {
      await stop();
      const tail = (await readFile(options.logFile, "utf8")).split("\n").slice(-30).join("\n");
      throw new Error(`app server exited before it became healthy; log tail:\n${tail}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`app server on ${baseUrl} was not healthy after 90 s (log: ${options.logFile})`);
    }
    await sleep(options.pollMs ?? 200);
  }
  return { baseUrl, pid: child.pid!, readyMs: performance.now() - spawnedAt, logFile: options.logFile, stop };
}

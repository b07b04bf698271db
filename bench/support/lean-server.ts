// Compiles bench/lean-callback-server.ts with esbuild (as `npm run build`
// compiles server.ts) and runs it as its own process on a free port.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { registerCleanup } from "./cleanup-registry";
import { freePort } from "./loopback";

export interface LeanServer {
  baseUrl: string;
  pid: number;
  stop: () => Promise<void>;
}

export async function startLeanServer(options: { databaseUrl: string; encryptionKey: string; poolSize: number; resultsDir: string; logFile: string }): Promise<LeanServer> {
  const outfile = path.join(options.resultsDir, "lean-callback-server.mjs");
  await build({
    entryPoints: [path.join(import.meta.dirname, "..", "lean-callback-server.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "warning",
  });
  const port = await freePort();
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(process.execPath, [outfile], {
    cwd: process.cwd(),
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: options.databaseUrl, ENCRYPTION_KEY: options.encryptionKey, PORT: String(port), POOL_SIZE: String(options.poolSize) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const stop = registerCleanup(`stop lean server ${child.pid}`, async () => {
    if (running) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running) throw new Error(`lean server exited before it answered (log: ${options.logFile})`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`lean server on ${baseUrl} did not answer within 30 s`);
    }
    await sleep(100);
  }
  return { baseUrl, pid: child.pid!, stop };
}

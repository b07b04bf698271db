// `npm run build` (next build and the compiled server that `npm start` runs)
// into the bench's own folder. Next rewrites tsconfig.json to
// include <distDir>/types when it builds into a new folder; that change is
// undone afterwards when it is the only change, so a bench run leaves shared
// files as it found them.
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";

interface TsConfig {
  include?: string[];
  [key: string]: unknown;
}

export function sameApartFromDistDir(original: string, rewritten: string, distDir: string): boolean {
  try {
    const before = JSON.parse(original) as TsConfig;
    const after = JSON.parse(rewritten) as TsConfig;
    after.include = after.include?.filter((entry) => !entry.startsWith(`${distDir}/`));
    return JSON.stringify(before) === JSON.stringify(after);
  } catch {
    return false;
  }
}

/** Runs `work`, then undoes Next's tsconfig.json rewrite for `distDir` when it is the only change. */
export async function keepingTsconfig<T>(distDir: string, work: () => Promise<T>): Promise<T> {
  const tsconfig = await readFile("tsconfig.json", "utf8");
  try {
    return await work();
  } finally {
    const now = await readFile("tsconfig.json", "utf8");
    if (now !== tsconfig && sameApartFromDistDir(tsconfig, now, distDir)) await writeFile("tsconfig.json", tsconfig);
  }
}

export async function buildApp(distDir: string, log: (message: string) => void): Promise<void> {
  const tsconfig = await readFile("tsconfig.json", "utf8");
  const started = Date.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("npm", ["run", "build"], {
        cwd: process.cwd(),
        // Type checking is `npm test`'s job; the bench measures whatever the tree builds to.
        env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", NEXT_SKIP_TYPECHECK: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (exit ${code}):\n${output.slice(-4000)}`))));
    });
  } finally {
    const now = await readFile("tsconfig.json", "utf8");
    if (now !== tsconfig && sameApartFromDistDir(tsconfig, now, distDir)) await writeFile("tsconfig.json", tsconfig);
  }
  log(`built the app into ${distDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

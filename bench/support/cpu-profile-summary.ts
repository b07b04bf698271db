// Reads a V8 .cpuprofile written by `node --cpu-prof` and attributes the
// samples taken in a time window to components: Next.js, the Prisma client
// (its JavaScript and its WebAssembly query compiler), node-postgres, app
// code, Node's own HTTP/streams/crypto, garbage collection. Frames in
// Turbopack's server chunks are mapped back to their sources through the
// chunks' source maps, so bundled packages are told apart.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ComponentShare {
  component: string;
  /** CPU milliseconds in the window. */
  ms: number;
  /** Percent of the non-idle samples in the window. */
  pct: number;
}

export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  idleMs: number;
  components: ComponentShare[];
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const file = url.startsWith("file:") ? fileURLToPath(url) : url;
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url) ?? null;
}

function packageOf(path: string): string | null {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return match?.[1] ?? null;
}

function componentOfPackage(pkg: string): string {
  if (pkg === "next" || pkg.startsWith("@next/") || pkg === "react" || pkg === "react-dom") return "Next.js (routing, request/response wrapping)";
  if (pkg === "@prisma/adapter-pg" || pkg === "pg" || pkg.startsWith("pg-") || pkg === "postgres-array" || pkg === "postgres-date" || pkg === "postgres-interval" || pkg === "postgres-bytea") {
    return "node-postgres + Prisma pg adapter";
  }
  if (pkg.startsWith("@prisma/")) return "Prisma client runtime (JS)";
  if (pkg === "standardwebhooks" || pkg.startsWith("@stablelib/")) return "Standard Webhooks (HMAC)";
  if (pkg === "zod") return "zod";
  return `other packages (${pkg})`;
}

function componentOfSource(source: string): string {
  const pkg = packageOf(source);
  if (pkg) return componentOfPackage(pkg);
  if (/lib\/generated\//.test(source)) return "Prisma generated client";
  if (/\/(lib|app)\//.test(source) || /^\[project\]\/(lib|app)\//.test(source)) return "app code (lib/, app/)";
  return "other bundled code";
}

function componentOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === "") {
    if (functionName === "(garbage collector)") return "garbage collection";
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(program)") return "V8 / native (program)";
    if (/^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString|utf8Write|latin1Write|base64urlWrite|base64Write)$/.test(functionName)) {
      return "socket writes (native)";
    }
    if (functionName === "runMicrotasks") return "promise / microtask machinery (native)";
    return "other native";
  }
  if (url.startsWith("wasm://")) return "Prisma query compiler (WebAssembly)";
  if (url.startsWith("node:")) return "Node.js core (http, streams, crypto, timers)";
  if (/\/server\/chunks\/|\/server\/app\//.test(url)) {
    const entry = sourceMapFor(url)?.findEntry(frame.lineNumber, frame.columnNumber);
    const source = entry && "originalSource" in entry ? entry.originalSource : undefined;
    return source ? componentOfSource(decodeURIComponent(source)) : "bundled code (no source map)";
  }
  const pkg = packageOf(url);
  return pkg ? componentOfPackage(pkg) : "other";
}

/** Samples between fromUs and toUs (CLOCK_MONOTONIC microseconds, as process.hrtime). */
export function summarizeCpuProfile(file: string, fromUs: number, toUs: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const components = new Map<string, number>();
  const componentCache = new Map<number, string>();
  let time = profile.startTime;
  let idleUs = 0;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (time < fromUs || time > toUs) continue;
    const id = profile.samples[i]!;
    let component = componentCache.get(id);
    if (component === undefined) {
      const node = byId.get(id);
      component = node ? componentOf(node.callFrame) : "unknown";
      componentCache.set(id, component);
    }
    // Each sample stands for the interval until the next one.
    const weight = profile.timeDeltas[i + 1] ?? delta;
    if (component === "(idle)") {
      idleUs += weight;
      continue;
    }
    busyUs += weight;
    components.set(component, (components.get(component) ?? 0) + weight);
  }
  return {
    windowMs: (toUs - fromUs) / 1000,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    components: [...components.entries()]
      .map(([component, us]) => ({ component, ms: us / 1000, pct: busyUs > 0 ? (100 * us) / busyUs : 0 }))
      .sort((a, b) => b.ms - a.ms),
  };
}

export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

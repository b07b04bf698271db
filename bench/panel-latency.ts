// Callback → panel: how long after an external system posts a result does an
// agent's panel stream (GET /api/v1/conversations/{id}/stream, what the panel
// reads) carry it? Measured end to end against the server `npm start`
// starts, on the first of BENCH_DATABASES: the signed callback is sent to one
// server instance and the panel streams from a second (LISTEN/NOTIFY across
// instances, as behind a load balancer). The agent's Genesys token is checked
// against the local Genesys stand-in (test/support/genesys-stand-in.ts).
//
// Cells: sequential results with the machine otherwise idle, and the same
// while 16 other clients post callbacks as fast as they can (the panel's
// latency under load). The browser tests only wait for these updates, with
// generous timeouts; the numbers live here.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { startGenesysStandIn } from "../test/support/genesys-stand-in";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { accessToken, benchEncryptionKey, callbackBody, prepareCallbackTargets, signatureHeaders, unreachableLimits } from "./support/app-requests";
import { serverEntryLabel, startAppServer, type AppServer } from "./support/app-server";
import { createBenchDatabase } from "./support/bench-database";
import { LoopbackClient } from "./support/http-client";
import { percentile, runLoad } from "./support/load-loop";
import { formatMs, markdownTable } from "./support/markdown-table";
import { seedOrg } from "./support/seed-org";

const samplesPerCell = 60;

interface LatencyCell {
  label: string;
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  backgroundCallbacksPerSecond: number | null;
}

/** Reads an SSE stream and resolves `waitFor` promises as snapshots arrive. */
class PanelStream {
  private buffer = "";
  private waiters: Array<{ test: (snapshot: { workflows: Array<{ workflow_id: string; status: string }> }) => boolean; resolve: (at: number) => void }> = [];
  private readonly abort = new AbortController();
  ready: Promise<void>;

  constructor(url: string, token: string) {
    let markReady: () => void = () => undefined;
    this.ready = new Promise((resolve) => (markReady = resolve));
    void (async () => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" }, signal: this.abort.signal });
      if (response.status !== 200 || !response.body) throw new Error(`panel stream: HTTP ${response.status}`);
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf("\n\n")) >= 0) {
          const frame = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (!/^event: snapshot$/m.test(frame) || !data) continue;
          const at = performance.now();
          markReady();
          const snapshot = JSON.parse(data) as { workflows: Array<{ workflow_id: string; status: string }> };
          this.waiters = this.waiters.filter((w) => (w.test(snapshot) ? (w.resolve(at), false) : true));
        }
      }
    })().catch((error: unknown) => {
      if (!this.abort.signal.aborted) console.error(`panel stream: ${String(error)}`);
    });
  }

  /** The time the first snapshot that shows `workflowId` as `status` arrived. */
  waitFor(workflowId: string, status: string): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ test: (s) => s.workflows.some((w) => w.workflow_id === workflowId && w.status === status), resolve }));
  }

  close(): void {
    this.abort.abort();
  }
}

async function measureCell(label: string, writer: AppServer, panel: AppServer, dataToken: string, agentToken: string, webhook: Webhook, background: (() => Promise<number>) | null): Promise<LatencyCell> {
  const client = new LoopbackClient(writer.baseUrl, 1);
  const auth = { authorization: `Bearer ${dataToken}` };
  const latencies: number[] = [];
  const backgroundRun = background?.();
  try {
    for (let i = 0; i < samplesPerCell; i++) {
      const workflowId = randomUUID();
      const conversationId = randomUUID();
      const body = JSON.stringify({ workflow_id: workflowId, customer_id: "CUST-BENCH", conversation_id: conversationId, timestamp: new Date().toISOString(), status: "INITIATED" });
      await client.postJson("/api/v1/workflows", body, auth);
      const task = await client.postJson(`/api/v1/workflows/${workflowId}/tasks`, JSON.stringify({ task_type: "BENCH", payload: {}, dispatch: false }), auth);
      const callbackUrl = new URL((JSON.parse(task.body) as { callback_url: string }).callback_url);
      const stream = new PanelStream(`${panel.baseUrl}/api/v1/conversations/${conversationId}/stream`, agentToken);
      await stream.ready;
      const shown = stream.waitFor(workflowId, "COMPLETED");
      const started = performance.now();
      const response = await client.postJson(`${callbackUrl.pathname}${callbackUrl.search}`, callbackBody, signatureHeaders(webhook, callbackBody));
      if (response.status !== 200) throw new Error(`panel-latency: callback answered ${response.status}: ${response.body}`);
      latencies.push((await shown) - started);
      stream.close();
    }
  } finally {
    client.close();
  }
  void backgroundRun;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { label, samples: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, backgroundCallbacksPerSecond: null };
}

async function run(settings: BenchSettings) {
  const kind = settings.databases[0] ?? "embedded";
  const database = await createBenchDatabase(kind, settings.postgresServerUrl);
  const genesys = await startGenesysStandIn();
  const servers: AppServer[] = [];
  try {
    const org = await seedOrg(database.url, benchEncryptionKey);
    const agent = genesys.addUser({ orgId: org.orgId });
    const agentToken = genesys.issueToken(agent.id);
    const env = {
      ...unreachableLimits,
      GENESYS_API_BASE_URL: genesys.url,
      GENESYS_LOGIN_BASE_URL: genesys.url,
      // The stand-in user is not given the premium app's view permission; that check is the install's, not what is measured here.
      GENESYS_APPFOUNDRY_CHECKS: "off",
      LONGRUN_SCHEDULER: "off",
    };
    for (const name of ["writer", "panel"]) {
      servers.push(
        await startAppServer({
          distDir: settings.distDir,
          databaseUrl: database.url,
          encryptionKey: benchEncryptionKey,
          poolSize: settings.poolSize,
          logFile: path.join(settings.resultsDir, `${settings.runStamp}-panel-latency-${name}.log`),
          extraEnv: env,
          entry: settings.serverEntry,
        }),
      );
    }
    const [writer, panel] = servers as [AppServer, AppServer];
    const dataToken = await accessToken(writer.baseUrl, org);
    const webhook = new Webhook(org.signingSecret);

    const idle = await measureCell("idle: one result at a time", writer, panel, dataToken, agentToken, webhook, null);
    settings.log(`panel-latency: idle p50 ${formatMs(idle.p50)} p95 ${formatMs(idle.p95)} p99 ${formatMs(idle.p99)}`);

    const targets = await prepareCallbackTargets(writer.baseUrl, dataToken, 2000);
    let stop = false;
    let posted = 0;
    let stoppedAt = 0;
    const background = async (): Promise<number> => {
      const client = new LoopbackClient(writer.baseUrl, 16);
      const started = performance.now();
      let next = 0;
      try {
        await runLoad({ concurrency: 16, durationMs: 10 * 60_000, maxOps: targets.length }, async () => {
          const target = targets[next++];
          if (stop || !target) return "ok";
          await client.postJson(target, callbackBody, signatureHeaders(webhook, callbackBody));
          posted++;
          return "ok";
        });
        return posted / (((stoppedAt || performance.now()) - started) / 1000);
      } finally {
        client.close();
      }
    };
    let backgroundRate: Promise<number> | null = null;
    const loaded = await measureCell("while 16 other clients post callbacks", writer, panel, dataToken, agentToken, webhook, () => (backgroundRate = background()));
    stop = true;
    stoppedAt = performance.now();
    const rate = backgroundRate as Promise<number> | null;
    loaded.backgroundCallbacksPerSecond = rate ? await rate : null;
    settings.log(`panel-latency: under load p50 ${formatMs(loaded.p50)} p95 ${formatMs(loaded.p95)} p99 ${formatMs(loaded.p99)}`);
    return { kind, cells: [idle, loaded], entry: serverEntryLabel(settings.serverEntry) };
  } finally {
    for (const server of servers) await server.stop();
    await genesys.close();
    await database.drop();
  }
}

export const panelLatency: BenchModule = {
  name: "panel-latency",
  run: async (settings) => {
    const data = await run(settings);
    const markdown = [
      `### Callback → panel (${data.entry}, ${data.kind} PostgreSQL, ${samplesPerCell} results per cell)`,
      "",
      "From sending the signed callback to one server until the panel stream of a second server carries the result (LISTEN/NOTIFY across instances).",
      "",
      markdownTable(
        ["cell", "samples", "p50", "p95", "p99", "max", "background callbacks/s"],
        data.cells.map((c) => [c.label, c.samples, formatMs(c.p50), formatMs(c.p95), formatMs(c.p99), formatMs(c.max), c.backgroundCallbacksPerSecond === null ? "—" : c.backgroundCallbacksPerSecond.toFixed(0)]),
        ["l", "r", "r", "r", "r", "r", "r"],
      ),
    ].join("\n");
    return { data, markdown };
  },
};

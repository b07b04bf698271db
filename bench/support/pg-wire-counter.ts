// A loopback TCP proxy in front of PostgreSQL that reads the wire protocol as
// it passes and counts what the app sends: statements (Parse / simple Query),
// round trips (each ReadyForQuery ends one) and the time each connection spent
// waiting on the database. Counting on the wire needs no change to the app,
// no server setting (pg_stat_statements is not preloaded here) and sees
// exactly what the driver sends.
import net from "node:net";
import { performance } from "node:perf_hooks";
import { registerCleanup } from "./cleanup-registry";

export interface WireCounts {
  /** Parse messages plus simple Query messages. */
  statements: number;
  /** Executes of the extended protocol plus simple Query messages. */
  executes: number;
  /** Request → ReadyForQuery cycles after the connection was set up. */
  roundTrips: number;
  /** Summed over connections: time from a request until ReadyForQuery. */
  databaseMs: number;
  connections: number;
  /** Statement text → how often it was sent. */
  texts: Map<string, number>;
}

function emptyCounts(): WireCounts {
  return { statements: 0, executes: 0, roundTrips: 0, databaseMs: 0, connections: 0, texts: new Map() };
}

const sslRequestCode = 80877103;
const gssEncRequestCode = 80877104;

/** Splits a byte stream into protocol messages; the first one(s) of a client have no type byte. */
class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** Set on the server side after an SSL/GSS request: the answer is one bare byte. */
  expectSingleByte = false;

  constructor(
    private startup: boolean,
    private readonly onMessage: (type: string, payload: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.expectSingleByte) {
        if (this.buffer.length < 1) return;
        this.expectSingleByte = false;
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      if (this.startup) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        this.onMessage(code === sslRequestCode || code === gssEncRequestCode ? "encryption-request" : "startup", this.buffer.subarray(4, length));
        this.buffer = this.buffer.subarray(length);
        if (code !== sslRequestCode && code !== gssEncRequestCode) this.startup = false;
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return;
      this.onMessage(String.fromCharCode(this.buffer[0]!), this.buffer.subarray(5, 1 + length));
      this.buffer = this.buffer.subarray(1 + length);
    }
  }
}

function cString(payload: Buffer, from: number): { text: string; next: number } {
  const end = payload.indexOf(0, from);
  return { text: payload.toString("utf8", from, end < 0 ? payload.length : end), next: end + 1 };
}

export class PgWireCounter {
  private counts = emptyCounts();
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly port: number,
    readonly close: () => Promise<void>,
  ) {}

  static async start(upstream: { host: string; port: number }): Promise<PgWireCounter> {
    const holder: { counter?: PgWireCounter } = {};
    const server = net.createServer((client) => holder.counter?.handle(client, upstream));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const close = registerCleanup(`pg wire counter on ${port}`, async () => {
      for (const socket of holder.counter?.sockets ?? []) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    holder.counter = new PgWireCounter(port, close);
    return holder.counter;
  }

  /** The counts since the last take, and a fresh start. */
  take(): WireCounts {
    const counts = this.counts;
    this.counts = emptyCounts();
    return counts;
  }

  private handle(client: net.Socket, upstream: { host: string; port: number }): void {
    const server = net.connect(upstream.port, upstream.host);
    this.sockets.add(client);
    this.sockets.add(server);
    this.counts.connections++;
    let ready = false;
    let waitingSince: number | null = null;

    const fromServer = new MessageReader(false, (type) => {
      if (type !== "Z") return;
      if (ready && waitingSince !== null) {
        this.counts.roundTrips++;
        this.counts.databaseMs += performance.now() - waitingSince;
      }
      ready = true;
      waitingSince = null;
    });
    const fromClient = new MessageReader(true, (type, payload) => {
      if (type === "encryption-request") fromServer.expectSingleByte = true;
      if (!ready || type === "X") return;
      waitingSince ??= performance.now();
      if (type === "P") {
        const name = cString(payload, 0);
        this.countText(cString(payload, name.next).text);
      } else if (type === "Q") {
        this.counts.executes++;
        this.countText(cString(payload, 0).text);
      } else if (type === "E") {
        this.counts.executes++;
      }
    });

    client.on("data", (chunk: Buffer) => {
      fromClient.push(chunk);
      server.write(chunk);
    });
    server.on("data", (chunk: Buffer) => {
      fromServer.push(chunk);
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      server.destroy();
      this.sockets.delete(client);
      this.sockets.delete(server);
    };
    client.on("close", end);
    server.on("close", end);
    client.on("error", end);
    server.on("error", end);
  }

  private countText(text: string): void {
    this.counts.statements++;
    const normalized = text.replace(/\s+/g, " ").trim();
    this.counts.texts.set(normalized, (this.counts.texts.get(normalized) ?? 0) + 1);
  }
}

// Keeps the panel's snapshot fresh: server-sent events read with fetch (so
// the Genesys token travels in a header, never in a URL), reconnecting when
// the server ends a stream; polling when streaming keeps failing (proxies,
// serverless limits); exponential backoff while the API is unreachable.
import type { PanelSnapshot } from "@/lib/panel/panel-types";

export type FeedState = "connecting" | "live" | "polling" | "offline";

export interface FeedStatus {
  state: FeedState;
  /** Epoch ms of the last snapshot received. */
  lastSuccessAt: number | null;
  /** Epoch ms of the next attempt while offline. */
  retryAt: number | null;
}

export class FeedAuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

export interface LiveFeedOptions {
  snapshotUrl: string;
  streamUrl: string;
  headers: () => Record<string, string>;
  onSnapshot: (snapshot: PanelSnapshot) => void;
  onStatus: (status: FeedStatus) => void;
  onAuthError: (error: FeedAuthError) => void;
  /**
   * How often a panel whose stream keeps failing reads the snapshot: a change reaches it within this
   * (issue 17: the polling fallback within 1 s). Each polling panel costs one snapshot read per interval.
   */
  pollIntervalMs?: number;
  /** How often a polling panel tries the stream again. */
  streamRetryMs?: number;
}

export const defaultPollIntervalMs = 1_000;
const backoffMs = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
/** A stream that ends sooner than this without a "bye" counts as failed. */
const healthyStreamMs = 5_000;
/** The server writes at least every 15 s; silence this long means a half-open connection. */
const silentStreamMs = 45_000;

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

export class LiveFeed {
  private stopped = false;
  private abort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private streamFailures = 0;
  private offlineAttempts = 0;
  private status: FeedStatus = { state: "connecting", lastSuccessAt: null, retryAt: null };
  private pollingSince: number | null = null;
  private paused = false;

  constructor(private readonly options: LiveFeedOptions) {}

  /**
   * The panel is hidden (the desktop's lifecycle blur, or a hidden page): close the stream and stop
   * polling; nothing is fetched for a panel nobody sees.
   */
  pause(): void {
    if (this.stopped) return;
    this.paused = true;
    this.stop();
  }

  /** Shown again: reconnect at once; the stream's first snapshot catches up on what changed meanwhile. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.retryNow();
  }

  start(): void {
    this.stopped = false;
    void this.openStream();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The agent pressed "Retry now": forget the backoff and try the stream at once. */
  retryNow(): void {
    this.stop();
    this.offlineAttempts = 0;
    this.streamFailures = 0;
    this.pollingSince = null;
    this.start();
  }

  private setStatus(patch: Partial<FeedStatus>): void {
    this.status = { ...this.status, ...patch };
    this.options.onStatus(this.status);
  }

  private received(snapshot: PanelSnapshot, state: FeedState): void {
    this.offlineAttempts = 0;
    this.setStatus({ state, lastSuccessAt: Date.now(), retryAt: null });
    this.options.onSnapshot(snapshot);
  }

  private schedule(ms: number, next: () => void): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) next();
    }, ms);
  }

  private async fetchChecked(url: string, signal?: AbortSignal): Promise<Response> {
    const response = await fetch(url, { headers: this.options.headers(), cache: "no-store", signal });
    if (response.status === 401 || response.status === 403) throw new FeedAuthError(response.status, await errorMessage(response));
    if (!response.ok) throw new Error(await errorMessage(response));
    return response;
  }

  private wentOffline(): void {
    const delay = backoffMs[Math.min(this.offlineAttempts, backoffMs.length - 1)]!;
    this.offlineAttempts += 1;
    this.setStatus({ state: "offline", retryAt: Date.now() + delay });
    // Offline panels poll: one cheap request finds out whether the API is back.
    this.schedule(delay, () => void this.poll());
  }

  private handleError(error: unknown): boolean {
    if (error instanceof FeedAuthError) {
      this.stop();
      this.options.onAuthError(error);
      return true;
    }
    return false;
  }

  private async poll(): Promise<void> {
    try {
      const response = await this.fetchChecked(this.options.snapshotUrl);
      const wasOffline = this.status.state === "offline";
      this.received((await response.json()) as PanelSnapshot, "polling");
      this.pollingSince ??= Date.now();
      const streamRetry = this.options.streamRetryMs ?? 60_000;
      // Back from offline, or polling long enough: see whether streaming works again.
      if (wasOffline || Date.now() - this.pollingSince >= streamRetry) {
        this.pollingSince = null;
        this.streamFailures = 0;
        this.schedule(0, () => void this.openStream());
      } else {
        this.schedule(this.options.pollIntervalMs ?? defaultPollIntervalMs, () => void this.poll());
      }
    } catch (error) {
      if (this.stopped || this.handleError(error)) return;
      this.wentOffline();
    }
  }

  private async openStream(): Promise<void> {
    if (this.stopped) return;
    this.abort = new AbortController();
    const openedAt = Date.now();
    let sawBye = false;
    let lastByteAt = Date.now();
    const abort = this.abort;
    const watchdog = setInterval(() => {
      if (Date.now() - lastByteAt > silentStreamMs) abort.abort();
    }, 5_000);
    try {
      const response = await this.fetchChecked(this.options.streamUrl, this.abort.signal);
      if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) throw new Error("not an event stream");
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        lastByteAt = Date.now();
        buffer += value.replace(/\r\n/g, "\n");
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (event === "snapshot" && data.length > 0) {
            this.received(JSON.parse(data.join("\n")) as PanelSnapshot, "live");
          } else if (event === "bye") {
            sawBye = true;
          }
        }
      }
    } catch (error) {
      if (this.stopped || this.handleError(error)) return;
    } finally {
      clearInterval(watchdog);
    }
    if (this.stopped) return;
    if (sawBye || Date.now() - openedAt >= healthyStreamMs) {
      // The server ended a healthy stream (its lifetime): reconnect at once.
      this.streamFailures = 0;
      this.schedule(0, () => void this.openStream());
      return;
    }
    this.streamFailures += 1;
    if (this.streamFailures >= 2) {
      this.setStatus({ state: this.status.state === "offline" ? "offline" : "polling" });
      void this.poll();
    } else {
      this.schedule(500, () => void this.openStream());
    }
  }
}

/**
 * Client of the control socket. Implements `EngineHandle`, so the TUI attaches to a running daemon exactly as it
 * would use an in-process engine; `ot3c approve|veto|postpone` use `request` directly.
 *
 * With `keepAlive` (the TUI) the client also tracks the link: a ping every `heartbeatMs`, "disconnected" when the
 * socket closes or a ping goes unanswered for `deadAfterMs` (a wedged or SIGSTOPped daemon keeps its socket open),
 * "stopped" when the daemon said it is shutting down, and a new connection (and subscription) every `retryMs`
 * until the daemon is back. An operator must never look at a green "sync OK" from a daemon that is gone.
 */
import { existsSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import type { CommandResult, ConnectionState, EngineCommand, EngineHandle, EngineSnapshot } from "../engine/types.ts";
import { lineSplitter, type Response, type StreamMessage } from "./protocol.ts";

export interface KeepAliveOptions {
  /** Ping period; default 500 ms. */
  heartbeatMs?: number;
  /** Unanswered ping → disconnected; default 1200 ms (with the 500 ms period: DISCONNECTED within 1.7 s). */
  deadAfterMs?: number;
  /** Reconnect attempts while down; default 1000 ms. */
  retryMs?: number;
}

export class ControlSocketClient implements EngineHandle {
  readonly connection: string;
  private sock?: Socket;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void }>();
  private snapshot?: EngineSnapshot;
  private listeners = new Set<(s: EngineSnapshot) => void>();
  private subscribed = false;
  private closedError?: Error;
  private state: ConnectionState = { state: "connected", since: Date.now() };
  private stateListeners = new Set<(s: ConnectionState) => void>();
  /** Set by a "stopped" stream message: the next close is a clean shutdown, not a crash. */
  private stopReason?: string;
  private keepAlive?: Required<KeepAliveOptions>;
  private heartbeat?: ReturnType<typeof setInterval>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private closedByUser = false;

  private constructor(readonly path: string) {
    this.connection = `attached:${path}`;
  }

  /** Connects, or rejects (ENOENT/ECONNREFUSED when no daemon listens). */
  static async connect(path: string, timeoutMs = 2000, keepAlive?: KeepAliveOptions): Promise<ControlSocketClient> {
    const c = new ControlSocketClient(path);
    await c.open(timeoutMs);
    if (keepAlive) c.startKeepAlive(keepAlive);
    return c;
  }

  /** Connects if a daemon is listening on `path`, else undefined (a stale socket file counts as no daemon). */
  static async tryConnect(path: string, timeoutMs = 2000, keepAlive?: KeepAliveOptions): Promise<ControlSocketClient | undefined> {
    if (!existsSync(path)) return undefined;
    try {
      return await ControlSocketClient.connect(path, timeoutMs, keepAlive);
    } catch {
      return undefined;
    }
  }

  private open(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const sock = createConnection(this.path);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`control socket ${this.path}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      sock.setEncoding("utf8");
      sock.once("connect", () => {
        clearTimeout(timer);
        this.sock = sock;
        this.closedError = undefined;
        this.stopReason = undefined;
        resolve();
      });
      sock.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      const feed = lineSplitter(
        (line) => this.onLine(line),
        () => sock.destroy(new Error("response line too long")),
        1 << 28,
      );
      sock.on("data", (d) => feed(String(d)));
      sock.on("close", () => {
        if (this.sock !== sock) return; // an earlier connection, already replaced
        this.sock = undefined;
        const reason = this.stopReason ?? (this.closedByUser ? "closed" : "connection lost");
        this.closedError = new Error(this.stopReason ? `the ot3c daemon stopped (${this.path})` : `control socket ${this.path} closed`);
        for (const p of this.pending.values()) p.reject(this.closedError);
        this.pending.clear();
        // Keep a more telling reason already set ("no heartbeat" destroys the socket itself).
        if (!this.closedByUser && this.state.state === "connected") this.setState(this.stopReason ? "stopped" : "disconnected", reason);
        this.scheduleReconnect();
      });
    });
  }

  private setState(state: ConnectionState["state"], reason?: string): void {
    if (this.state.state === state && this.state.reason === reason) return;
    this.state = { state, ...(reason ? { reason } : {}), since: Date.now() };
    for (const l of this.stateListeners) l(this.state);
  }

  private startKeepAlive(o: KeepAliveOptions): void {
    this.keepAlive = { heartbeatMs: o.heartbeatMs ?? 500, deadAfterMs: o.deadAfterMs ?? 1200, retryMs: o.retryMs ?? 1000 };
    let inFlight = false;
    this.heartbeat = setInterval(() => {
      const sock = this.sock;
      if (!sock || inFlight) return;
      inFlight = true;
      this.request({ cmd: "ping" }, this.keepAlive!.deadAfterMs)
        .catch(() => {
          // No answer in time: the daemon is wedged or stopped (SIGSTOP keeps the socket open). Drop the link;
          // the close handler marks it and the reconnect loop takes over.
          if (this.sock === sock) {
            this.stopReason = undefined;
            this.setState("disconnected", "no heartbeat");
            sock.destroy();
          }
        })
        .finally(() => (inFlight = false));
    }, this.keepAlive.heartbeatMs);
    this.heartbeat.unref?.();
  }

  private scheduleReconnect(): void {
    if (!this.keepAlive || this.closedByUser || this.retryTimer) return;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = undefined;
      if (this.closedByUser || this.sock) return;
      try {
        if (!existsSync(this.path)) throw new Error("no socket");
        await this.open(this.keepAlive!.deadAfterMs);
        // close() may have run while we were connecting.
        if (this.isClosed()) {
          (this.sock as Socket | undefined)?.destroy();
          return;
        }
        // The kernel accepts connections for a stopped (SIGSTOP) or wedged daemon too: only an answer counts.
        const pong = await this.request({ cmd: "ping" }, this.keepAlive!.deadAfterMs).catch(() => undefined);
        if (!pong?.ok) {
          (this.sock as Socket | undefined)?.destroy();
          return; // the close handler schedules the next attempt
        }
        this.setState("connected");
        if (this.subscribed) await this.request({ cmd: "subscribe" }).catch(() => undefined);
      } catch {
        this.scheduleReconnect();
      }
    }, this.keepAlive.retryMs);
  }

  private isClosed(): boolean {
    return this.closedByUser;
  }

  private onLine(line: string): void {
    let msg: Response | StreamMessage;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    const stream = msg as StreamMessage;
    if (stream.type === "snapshot") {
      this.snapshot = stream.snapshot;
      for (const l of this.listeners) l(this.snapshot);
      return;
    }
    if (stream.type === "stopped") {
      this.stopReason = stream.reason || "daemon stopped";
      return;
    }
    const res = msg as Response;
    const p = typeof res.id === "number" ? this.pending.get(res.id) : undefined;
    if (p) {
      this.pending.delete(res.id as number);
      p.resolve(res);
    }
  }

  /** Sends one request and waits for its response. */
  request(body: Record<string, unknown>, timeoutMs = 60_000): Promise<Response> {
    if (!this.sock) return Promise.reject(this.closedError ?? new Error(`not connected to the ot3c daemon (${this.path})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`control socket: no response to "${body.cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.sock!.write(JSON.stringify({ ...body, id }) + "\n");
    });
  }

  getSnapshot(): EngineSnapshot | undefined {
    return this.snapshot;
  }

  subscribe(listener: (snapshot: EngineSnapshot) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscribed) {
      this.subscribed = true;
      void this.request({ cmd: "subscribe" }).catch(() => {
        // With keepAlive the reconnect re-subscribes; without it the link is gone for good.
        if (!this.keepAlive) this.subscribed = false;
      });
    }
    return () => this.listeners.delete(listener);
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  async send(command: EngineCommand): Promise<CommandResult> {
    const { type, ...rest } = command;
    const res = await this.request({ cmd: type, ...rest });
    if (!res.ok) return { ok: false, results: [{ id: "-", ok: false, message: res.error }] };
    return res.result ?? { ok: true, results: [] };
  }

  close(): void {
    this.closedByUser = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.sock?.end();
    this.sock?.destroy();
  }
}

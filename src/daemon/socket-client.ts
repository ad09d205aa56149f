/**
 * Client of the control socket. Implements `EngineHandle`, so the TUI attaches to a running daemon exactly as it
 * would use an in-process engine; `ot3c approve|veto|postpone` use `request` directly.
 */
import { existsSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import type { CommandResult, EngineCommand, EngineHandle, EngineSnapshot } from "../engine/types.ts";
import { lineSplitter, type Response, type SnapshotMessage } from "./protocol.ts";

export class ControlSocketClient implements EngineHandle {
  readonly connection: string;
  private sock?: Socket;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void }>();
  private snapshot?: EngineSnapshot;
  private listeners = new Set<(s: EngineSnapshot) => void>();
  private subscribed = false;
  private closedError?: Error;

  private constructor(readonly path: string) {
    this.connection = `attached:${path}`;
  }

  /** Connects, or rejects (ENOENT/ECONNREFUSED when no daemon listens). */
  static async connect(path: string, timeoutMs = 2000): Promise<ControlSocketClient> {
    const c = new ControlSocketClient(path);
    await c.open(timeoutMs);
    return c;
  }

  /** Connects if a daemon is listening on `path`, else undefined (a stale socket file counts as no daemon). */
  static async tryConnect(path: string, timeoutMs = 2000): Promise<ControlSocketClient | undefined> {
    if (!existsSync(path)) return undefined;
    try {
      return await ControlSocketClient.connect(path, timeoutMs);
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
        this.closedError = new Error(`control socket ${this.path} closed`);
        for (const p of this.pending.values()) p.reject(this.closedError);
        this.pending.clear();
      });
    });
  }

  private onLine(line: string): void {
    let msg: Response | SnapshotMessage;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if ((msg as SnapshotMessage).type === "snapshot") {
      this.snapshot = (msg as SnapshotMessage).snapshot;
      for (const l of this.listeners) l(this.snapshot);
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
    if (!this.sock || this.closedError) return Promise.reject(this.closedError ?? new Error("not connected"));
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
        this.subscribed = false;
      });
    }
    return () => this.listeners.delete(listener);
  }

  async send(command: EngineCommand): Promise<CommandResult> {
    const { type, ...rest } = command;
    const res = await this.request({ cmd: type, ...rest });
    if (!res.ok) return { ok: false, results: [{ id: "-", ok: false, message: res.error }] };
    return res.result ?? { ok: true, results: [] };
  }

  close(): void {
    this.sock?.end();
    this.sock?.destroy();
  }
}

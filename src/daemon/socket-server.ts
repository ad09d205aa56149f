/**
 * The control socket `<state-dir>/ot3c.sock`: lets `ot3c approve|veto|postpone` and an attached TUI talk to the
 * running daemon's engine. Owner-only (0600) unless `socket-group` is configured (0660, chgrp), because anyone who
 * can write to it can approve deletions. JSON lines; see docs/control-socket.md and ./protocol.ts.
 *
 * There is no window in which another user can connect: the socket is created under umask 0177 (mode 0600 from the
 * first instant, whatever the process umask), and only then handed to the group with chown + chmod 0660.
 */
import { chmodSync, chownSync, existsSync, readFileSync, unlinkSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { VERSION } from "../cli/version.ts";
import type { EngineHandle, EngineSnapshot } from "../engine/types.ts";
import { lineSplitter, toCommand, type Request, type Response, type StreamMessage } from "./protocol.ts";

export interface SocketServerOptions {
  path: string;
  engine: EngineHandle;
  /** The daemon's PostgreSQL store (redacted URL), told in `ping` so clients on other state directories can match it. */
  store?: string;
  /** Group name (from /etc/group) allowed to use the socket; else owner-only. */
  group?: string;
  log?: (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

/** gid of a group name from /etc/group (no getgrnam in Bun). */
export function groupId(name: string, groupFile = "/etc/group"): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  for (const line of readFileSync(groupFile, "utf8").split("\n")) {
    const [n, , gid] = line.split(":");
    if (n === name && gid !== undefined) return Number(gid);
  }
  return undefined;
}

/**
 * `server.listen(path)` with the umask at 0177 for exactly the bind, so the socket file is born 0600 (a permissive
 * process umask would otherwise leave it 0777 until a later chmod). The umask is process-wide; binding is
 * synchronous inside `listen`, so it is restored right after the call.
 */
export async function listenOwnerOnly(server: Server, path: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const previous = process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    } finally {
      process.umask(previous);
    }
  });
}

export class ControlSocketServer {
  private server?: Server;
  private readonly clients = new Set<Socket>();
  private readonly subscribers = new Map<Socket, () => void>();
  private closing = false;

  constructor(private readonly opts: SocketServerOptions) {}

  async listen(): Promise<void> {
    const { path } = this.opts;
    // The caller holds the engine lock, so a socket file left here belongs to a dead engine.
    if (existsSync(path)) unlinkSync(path);
    const server = createServer((sock) => this.accept(sock));
    await listenOwnerOnly(server, path);
    this.server = server;
    if (this.opts.group) {
      const gid = groupId(this.opts.group);
      if (gid === undefined) throw new Error(`socket-group "${this.opts.group}" does not exist`);
      chownSync(path, process.getuid?.() ?? -1, gid);
      chmodSync(path, 0o660);
    } else {
      chmodSync(path, 0o600);
    }
  }

  private accept(sock: Socket): void {
    this.clients.add(sock);
    sock.setEncoding("utf8");
    const write = (msg: Response | StreamMessage) => {
      if (!sock.destroyed) sock.write(JSON.stringify(msg) + "\n");
    };
    const feed = lineSplitter(
      (line) => void this.handle(line, write, sock),
      () => {
        write({ id: null, ok: false, error: "request line too long" });
        sock.destroy();
      },
    );
    sock.on("data", (d) => feed(String(d)));
    const drop = () => {
      this.subscribers.get(sock)?.();
      this.subscribers.delete(sock);
      this.clients.delete(sock);
    };
    sock.on("close", drop);
    sock.on("error", drop);
  }

  private async handle(line: string, write: (m: Response | StreamMessage) => void, sock: Socket): Promise<void> {
    let req: Request;
    try {
      req = JSON.parse(line) as Request;
      if (!req || typeof req !== "object" || typeof req.cmd !== "string") throw new Error("not a request object");
    } catch (err) {
      write({ id: null, ok: false, error: `bad request: ${(err as Error).message}` });
      return;
    }
    const id = req.id ?? null;
    const { engine } = this.opts;
    if (this.closing) {
      write({ id, ok: false, error: "daemon stopping" });
      return;
    }
    try {
      switch (req.cmd) {
        case "ping":
          write({ id, ok: true, pid: process.pid, version: VERSION, ...(this.opts.store ? { store: this.opts.store } : {}) });
          return;
        case "snapshot": {
          const snapshot = engine.getSnapshot();
          write(snapshot ? { id, ok: true, snapshot } : { id, ok: false, error: "no snapshot yet" });
          return;
        }
        case "subscribe": {
          if (!this.subscribers.has(sock)) {
            const push = (snapshot: EngineSnapshot) => write({ type: "snapshot", snapshot });
            this.subscribers.set(sock, engine.subscribe(push));
            write({ id, ok: true });
            const current = engine.getSnapshot();
            if (current) push(current);
          } else write({ id, ok: true });
          return;
        }
        default: {
          const cmd = toCommand(req);
          if (typeof cmd === "string") {
            write({ id, ok: false, error: cmd });
            return;
          }
          this.opts.log?.("info", `control socket: ${cmd.type}`, { actor: cmd.actor, ids: "ids" in cmd ? cmd.ids : undefined });
          const result = await engine.send(cmd);
          write({ id, ok: true, result });
        }
      }
    } catch (err) {
      write({ id, ok: false, error: String((err as Error)?.message ?? err) });
    }
  }

  /**
   * Clean shutdown: every client is told "daemon stopped" (the TUI shows it instead of a crash), then the socket
   * goes. Called after the engine stopped, before the store closes: nothing may reach the engine afterwards.
   */
  async close(reason = "daemon stopped"): Promise<void> {
    this.closing = true;
    for (const unsub of this.subscribers.values()) unsub();
    this.subscribers.clear();
    const line = JSON.stringify({ type: "stopped", reason } satisfies StreamMessage) + "\n";
    await Promise.all(
      [...this.clients].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.destroyed) return resolve();
            const t = setTimeout(() => (c.destroy(), resolve()), 500);
            c.end(line, () => {
              clearTimeout(t);
              c.destroy();
              resolve();
            });
          }),
      ),
    );
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    try {
      if (existsSync(this.opts.path)) unlinkSync(this.opts.path);
    } catch {
      // already gone
    }
  }
}

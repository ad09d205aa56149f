/**
 * The synchronous bridge to PostgreSQL. The store's API is synchronous (persist, then act; the compare-and-set
 * right before a stop/delete call cannot interleave with anything else this process does), and Bun's PostgreSQL
 * client is asynchronous. So a worker thread (worker.ts) owns the connection; the main thread posts a request and
 * blocks on a SharedArrayBuffer with `Atomics.wait` until the answer is there — never longer than `timeoutMs`:
 * then the worker is terminated (its connection closes, so PostgreSQL rolls back whatever it had open), the call
 * throws `PgBridgeError`, and the next call starts a fresh worker. Answers larger than the buffer come in chunks.
 *
 * After a connection failure (refused, dropped, no answer) calls fail at once for a short while instead of each
 * blocking the process for the timeout again: a daemon whose database is away stays responsive (socket, metrics,
 * TUI) and says DEGRADED, and its lease connection retries at its own pace.
 */
import { redactUrl } from "../driver/redact.ts";

export class PgBridgeError extends Error {
  override name = "PgBridgeError";
  constructor(
    message: string,
    /** Bun's error code (ERR_POSTGRES_…), or "TIMEOUT". */
    readonly code?: string,
    /** PostgreSQL's SQLSTATE, when the server answered with an error. */
    readonly sqlstate?: string,
  ) {
    super(message);
  }
}

export interface BridgeOptions {
  password?: string;
  /** Longest wait for one answer (default 10 s). */
  timeoutMs?: number;
  application?: string;
  /** Shared buffer size; answers above it are streamed (default 1 MiB; tests use a small one). */
  bufferBytes?: number;
}

type Op = "get" | "all" | "run" | "exec" | "begin" | "commit" | "rollback" | "close";

/** [0] chunk ready, [1] its length, [2] last chunk, [3] request id, [4] worker started. */
const HEADER = 20;
const STARTED = 4;
/** How long the first answer of a new connection may take (worker start, TCP, TLS, login). */
const CONNECT_MS = 5000;

/**
 * The worker's module. From source: next to this file. In the compiled binary (scripts/build.ts lists worker.ts
 * as a second entry point) everything is one bundle under /$bunfs/root, and an embedded entry point is named by
 * its path relative to the entry points' common root (src/).
 */
function workerSpecifier(): string {
  return import.meta.url.includes("/$bunfs/") ? "./store/pg/worker.ts" : new URL("./worker.ts", import.meta.url).href;
}

export class PgBridge {
  private worker?: Worker;
  private ctl!: Int32Array;
  private data!: Uint8Array;
  private nextId = 1;
  private closed = false;
  /** performance.now() until which calls fail fast after a connection failure, and that failure. */
  private downUntil = 0;
  private downError?: PgBridgeError;
  readonly timeoutMs: number;
  private readonly where: string;

  constructor(
    private readonly url: string,
    private readonly o: BridgeOptions = {},
  ) {
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.where = redactUrl(url);
  }

  private start(): void {
    const sab = new SharedArrayBuffer(HEADER + (this.o.bufferBytes ?? 1 << 20));
    this.ctl = new Int32Array(sab, 0, 5);
    this.data = new Uint8Array(sab, HEADER);
    this.worker = new Worker(workerSpecifier());
    // The worker must never keep the process alive on its own (a daemon exits when its loop is done).
    this.worker.unref();
    this.worker.postMessage({
      type: "init",
      url: this.url,
      ...(this.o.password ? { password: this.o.password } : {}),
      ...(this.o.application ? { application: this.o.application } : {}),
      sab,
      connectTimeoutS: Math.ceil(Math.max(this.timeoutMs, CONNECT_MS) / 1000),
    });
  }

  /** Drops the worker and its connection (PostgreSQL rolls back an open transaction); the next call reconnects. */
  reset(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  call(op: Op, sql?: string, params?: unknown[]): Record<string, unknown> {
    if (this.closed) throw new PgBridgeError(`PostgreSQL store ${this.where} is closed`, "CLOSED");
    if (performance.now() < this.downUntil && op !== "close") {
      throw new PgBridgeError(`${this.downError?.message ?? `PostgreSQL ${this.where}: unreachable`} (not retried for ${Math.ceil(this.downUntil - performance.now())} ms)`, "UNREACHABLE");
    }
    try {
      return this.roundTrip(op, sql, params);
    } catch (err) {
      if (err instanceof PgBridgeError && /TIMEOUT|WORKER|CONNECTION|PROTOCOL/.test(err.code ?? "")) {
        this.downError = err;
        // Shorter than the lease's renewal interval on its connection (timeout = that interval): it retries each time.
        this.downUntil = performance.now() + Math.min(2000, Math.floor(this.timeoutMs / 2));
      }
      throw err;
    }
  }

  private roundTrip(op: Op, sql?: string, params?: unknown[]): Record<string, unknown> {
    // A fresh worker first starts and logs in (TLS, SCRAM): the first answer may take longer than a statement may.
    const fresh = !this.worker;
    if (!this.worker) {
      this.start();
      // A worker that cannot load (a broken build) must say so, not pass for a silent database.
      if (Atomics.wait(this.ctl, STARTED, 0, CONNECT_MS) === "timed-out" && Atomics.load(this.ctl, STARTED) === 0) {
        this.reset();
        throw new PgBridgeError(`PostgreSQL ${this.where}: the connection worker (${workerSpecifier()}) did not start`, "WORKER");
      }
    }
    const id = this.nextId++;
    Atomics.store(this.ctl, 0, 0);
    this.worker!.postMessage({ type: "req", id, op, sql, params });
    const limit = fresh ? Math.max(this.timeoutMs, CONNECT_MS) : this.timeoutMs;
    const deadline = performance.now() + limit;
    const chunks: Uint8Array[] = [];
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.ctl, 0, 0, left) === "timed-out") {
        this.reset();
        throw new PgBridgeError(`PostgreSQL ${this.where}: no answer within ${limit} ms (${op}${fresh ? ", connecting" : ""})`, "TIMEOUT");
      }
      if (Atomics.load(this.ctl, 0) !== 1) continue;
      const n = this.ctl[1]!;
      const last = this.ctl[2] === 1;
      const forUs = this.ctl[3] === id;
      if (forUs) chunks.push(this.data.slice(0, n));
      Atomics.store(this.ctl, 0, 0);
      Atomics.notify(this.ctl, 0);
      if (forUs && last) break;
    }
    const text = chunks.length === 1 ? new TextDecoder().decode(chunks[0]) : new TextDecoder().decode(Buffer.concat(chunks));
    let answer: { ok: boolean; message?: string; code?: string; sqlstate?: string } & Record<string, unknown>;
    try {
      answer = JSON.parse(text);
    } catch {
      // Never seen in tests; if it happens the worker's state is unknown: drop it, like after a timeout.
      this.reset();
      throw new PgBridgeError(`PostgreSQL ${this.where}: unreadable answer from the connection worker (${op}, ${chunks.length} chunk(s), ${text.length} chars: ${JSON.stringify(text.slice(0, 40))})`, "PROTOCOL");
    }
    if (!answer.ok) {
      // Bun's messages name the host, never the password; the URL we add is redacted.
      throw new PgBridgeError(`PostgreSQL ${this.where}: ${answer.message}`, answer.code, answer.sqlstate);
    }
    return answer;
  }

  close(): void {
    if (this.closed) return;
    try {
      if (this.worker) this.call("close");
    } catch {
      // closing a connection that is already gone
    }
    this.reset();
    this.closed = true;
  }
}
